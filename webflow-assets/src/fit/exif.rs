//! The one edit a kept EXIF block needs: its orientation set to upright,
//! since the pixels were turned already. Hand-written: the change is one
//! 16-bit value found by walking IFD0 of the TIFF structure, and the EXIF
//! crates that write do a full re-serialization.

/// `exif` (TIFF header first, as the decoders give it) with tag 0x0112 of
/// IFD0 set to 1; unchanged if it has no orientation or does not parse.
pub(crate) fn upright(mut exif: Vec<u8>) -> Vec<u8> {
    if let Some(at) = orientation_offset(&exif) {
        let little = exif[0] == b'I';
        let one = if little { [1, 0] } else { [0, 1] };
        exif[at..at + 2].copy_from_slice(&one);
    }
    exif
}

/// Where the orientation's value lies, if the block has one.
pub(crate) fn orientation_offset(exif: &[u8]) -> Option<usize> {
    let little = match exif.get(..4)? {
        [b'I', b'I', 42, 0] => true,
        [b'M', b'M', 0, 42] => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = exif.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = exif.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count)
        .find_map(|i| {
            let entry = ifd + 2 + i * 12;
            // Tag 0x0112, type SHORT (3), count 1: the value sits in the entry.
            (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3).then_some(entry + 8)
        })
        .filter(|at| at + 2 <= exif.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(little: bool, orientation: u16) -> Vec<u8> {
        type Writers = (fn(u16) -> [u8; 2], fn(u32) -> [u8; 4]);
        let (w16, w32): Writers = if little {
            (u16::to_le_bytes, u32::to_le_bytes)
        } else {
            (u16::to_be_bytes, u32::to_be_bytes)
        };
        let mut b = if little {
            b"II".to_vec()
        } else {
            b"MM".to_vec()
        };
        b.extend(w16(42));
        b.extend(w32(8));
        b.extend(w16(2));
        // An unrelated tag first (ImageWidth), then the orientation.
        b.extend(w16(0x0100));
        b.extend(w16(3));
        b.extend(w32(1));
        b.extend(w16(640));
        b.extend([0, 0]);
        b.extend(w16(0x0112));
        b.extend(w16(3));
        b.extend(w32(1));
        b.extend(w16(orientation));
        b.extend([0, 0]);
        b.extend(w32(0));
        b
    }

    #[test]
    fn sets_the_orientation_to_one_in_either_byte_order() {
        for little in [true, false] {
            let fixed = upright(block(little, 6));
            let at = orientation_offset(&fixed).unwrap();
            let value = if little {
                u16::from_le_bytes([fixed[at], fixed[at + 1]])
            } else {
                u16::from_be_bytes([fixed[at], fixed[at + 1]])
            };
            assert_eq!(value, 1);
            // Nothing else moved.
            let original = block(little, 6);
            assert_eq!(fixed.len(), original.len());
            assert_eq!(fixed[..at], original[..at]);
        }
    }

    #[test]
    fn leaves_what_it_cannot_read_alone() {
        assert_eq!(upright(b"not exif".to_vec()), b"not exif");
        let truncated = block(true, 6)[..20].to_vec();
        assert_eq!(upright(truncated.clone()), truncated);
    }
}
