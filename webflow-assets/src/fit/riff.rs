//! The colour profile and EXIF block put into a lossy WebP. libwebp's
//! simple encoder (what the `webp` crate wraps) writes the bitstream only;
//! the extended header (`VP8X`) with `ICCP` and `EXIF` chunks is a RIFF
//! layout of a few fixed fields (Google's "WebP Container Specification"),
//! written here rather than through libwebp's mux library, which the crate
//! does not bind.

const ICC_FLAG: u8 = 0x20;
const ALPHA_FLAG: u8 = 0x10;
const EXIF_FLAG: u8 = 0x08;

/// The file's chunks, as (four-character code, payload).
fn chunks(webp: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    if webp.len() < 12 || &webp[..4] != b"RIFF" || &webp[8..12] != b"WEBP" {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= webp.len() {
        let code: [u8; 4] = webp[at..at + 4].try_into().ok()?;
        let size = u32::from_le_bytes(webp[at + 4..at + 8].try_into().ok()?) as usize;
        let body = webp.get(at + 8..at + 8 + size)?;
        out.push((code, body));
        at += 8 + size + (size & 1);
    }
    Some(out)
}

/// `webp` with `icc` and `exif` added (a `VP8X` header made or updated);
/// `webp` unchanged when there is nothing to add. `width` and `height` are
/// the canvas', as encoded.
pub(crate) fn with_metadata(
    webp: Vec<u8>,
    width: u32,
    height: u32,
    icc: Option<&[u8]>,
    exif: Option<&[u8]>,
) -> Vec<u8> {
    if icc.is_none() && exif.is_none() {
        return webp;
    }
    let Some(chunks) = chunks(&webp) else {
        return webp;
    };
    let mut flags = 0u8;
    let mut rest: Vec<([u8; 4], &[u8])> = Vec::new();
    for (code, body) in chunks {
        match &code {
            b"VP8X" => flags |= body.first().copied().unwrap_or(0),
            b"ALPH" => {
                flags |= ALPHA_FLAG;
                rest.push((code, body));
            }
            b"ICCP" | b"EXIF" => {}
            _ => rest.push((code, body)),
        }
    }
    if icc.is_some() {
        flags |= ICC_FLAG;
    }
    if exif.is_some() {
        flags |= EXIF_FLAG;
    }
    let mut vp8x = vec![flags, 0, 0, 0];
    vp8x.extend(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend(&(height - 1).to_le_bytes()[..3]);
    // The order the specification requires: VP8X, ICCP, image data, EXIF.
    let mut ordered: Vec<([u8; 4], &[u8])> = vec![(*b"VP8X", &vp8x)];
    if let Some(icc) = icc {
        ordered.push((*b"ICCP", icc));
    }
    ordered.extend(rest);
    if let Some(exif) = exif {
        ordered.push((*b"EXIF", exif));
    }
    let mut body = b"WEBP".to_vec();
    for (code, payload) in ordered {
        body.extend(code);
        body.extend((payload.len() as u32).to_le_bytes());
        body.extend(payload);
        if payload.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal simple-format file: one odd-sized `VP8 ` chunk.
    fn simple() -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        body.extend(b"VP8 ");
        body.extend(3u32.to_le_bytes());
        body.extend([1, 2, 3, 0]);
        let mut out = b"RIFF".to_vec();
        out.extend((body.len() as u32).to_le_bytes());
        out.extend(body);
        out
    }

    #[test]
    fn adds_a_header_the_profile_and_exif_in_order() {
        let out = with_metadata(simple(), 300, 200, Some(b"icc!"), Some(b"exif"));
        let chunks = chunks(&out).unwrap();
        let codes: Vec<&[u8]> = chunks.iter().map(|(c, _)| &c[..]).collect();
        assert_eq!(codes, [&b"VP8X"[..], b"ICCP", b"VP8 ", b"EXIF"]);
        let vp8x = chunks[0].1;
        assert_eq!(vp8x[0], ICC_FLAG | EXIF_FLAG);
        assert_eq!(&vp8x[4..7], &299u32.to_le_bytes()[..3]);
        assert_eq!(&vp8x[7..10], &199u32.to_le_bytes()[..3]);
        assert_eq!(chunks[1].1, b"icc!");
        assert_eq!(chunks[2].1, [1, 2, 3]);
        let riff = u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff + 8, out.len());
    }

    #[test]
    fn leaves_a_file_without_metadata_alone() {
        assert_eq!(with_metadata(simple(), 1, 1, None, None), simple());
    }
}
