//! Decoded pixels in the layouts the resizer and encoders share: 8 bits a
//! channel, grey or RGB, with alpha when any pixel is not opaque.

use std::borrow::Cow;

use fast_image_resize as fir;
use fir::images::TypedImage;

/// An upright image, 8 bits a channel.
#[derive(Clone)]
pub(crate) struct Pixels {
    pub width: u32,
    pub height: u32,
    /// With an alpha channel (grey+alpha or RGBA).
    pub alpha: bool,
    /// Grey (one channel of colour) instead of RGB: a grey image stays
    /// grey where the format has grey (PNG, JPEG), a third of the bytes.
    pub grey: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    /// From a decoded image: 16-bit images become 8-bit, grey stays grey,
    /// and an alpha channel that is opaque everywhere is dropped.
    pub fn from_image(image: image::DynamicImage) -> Self {
        let (width, height) = (image.width(), image.height());
        let grey = matches!(
            image.color(),
            image::ColorType::L8
                | image::ColorType::La8
                | image::ColorType::L16
                | image::ColorType::La16
        );
        let alpha = image.color().has_alpha();
        let (data, alpha) = match (grey, alpha) {
            (true, true) => {
                let la = image.into_luma_alpha8();
                if la.pixels().any(|p| p.0[1] != u8::MAX) {
                    (la.into_raw(), true)
                } else {
                    (la.pixels().map(|p| p.0[0]).collect(), false)
                }
            }
            (true, false) => (image.into_luma8().into_raw(), false),
            (false, true) => {
                let rgba = image.into_rgba8();
                if rgba.pixels().any(|p| p.0[3] != u8::MAX) {
                    (rgba.into_raw(), true)
                } else {
                    (
                        image::DynamicImage::ImageRgba8(rgba).into_rgb8().into_raw(),
                        false,
                    )
                }
            }
            (false, false) => (image.into_rgb8().into_raw(), false),
        };
        Self {
            width,
            height,
            alpha,
            grey,
            data,
        }
    }

    pub fn color_type(&self) -> image::ExtendedColorType {
        match (self.grey, self.alpha) {
            (true, false) => image::ExtendedColorType::L8,
            (true, true) => image::ExtendedColorType::La8,
            (false, false) => image::ExtendedColorType::Rgb8,
            (false, true) => image::ExtendedColorType::Rgba8,
        }
    }

    /// The pixels as RGB (or RGBA), for a format without grey (WebP,
    /// AVIF, GIF): grey is repeated into each channel.
    pub fn rgb(&self) -> Cow<'_, [u8]> {
        if !self.grey {
            return Cow::Borrowed(&self.data);
        }
        Cow::Owned(if self.alpha {
            self.data
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0], p[1]])
                .collect()
        } else {
            self.data.iter().flat_map(|&l| [l, l, l]).collect()
        })
    }

    /// Downscaled with Lanczos3 (alpha premultiplied while filtering, so
    /// transparent pixels do not bleed their colour); a copy when the size
    /// is the same.
    ///
    /// `&mut self` although nothing here is changed: see [`resize_typed`].
    pub fn resized(&mut self, width: u32, height: u32) -> Result<Pixels, String> {
        if (width, height) == (self.width, self.height) {
            return Ok(self.clone());
        }
        let (src, dst) = (
            (self.width, self.height, &mut self.data[..]),
            (width, height),
        );
        let data = match (self.grey, self.alpha) {
            (true, false) => resize_typed::<fir::pixels::U8>(src, dst)?,
            (true, true) => resize_typed::<fir::pixels::U8x2>(src, dst)?,
            (false, false) => resize_typed::<fir::pixels::U8x3>(src, dst)?,
            (false, true) => resize_typed::<fir::pixels::U8x4>(src, dst)?,
        };
        Ok(Pixels {
            width,
            height,
            alpha: self.alpha,
            grey: self.grey,
            data,
        })
    }
}

/// Lanczos3 from `src` (width, height, bytes) to the `dst` size, for one
/// pixel type: the new image's bytes.
///
/// Why not `Resizer::resize`: it is generic over the image and dispatches
/// over all 13 of fast_image_resize's pixel types, so each crate that calls
/// it compiles the convolutions of all 13 (at that crate's opt-level), 70 %
/// of this crate's LLVM IR (`cargo llvm-lines`). The fit only ever has
/// grey, grey+alpha, RGB and RGBA, 8 bits a channel.
///
/// The source is a mutable view (`TypedImage`) though the resizer only
/// reads it: its buffers between the passes and for premultiplied alpha
/// are `TypedImage`s too, so each pass is compiled for one image type, not
/// two, as from a read-only view (`TypedImageRef`): a fifth of this
/// crate's LLVM IR with `fit` (`cargo llvm-lines`: 0.88 to 0.69 million
/// lines, fast_image_resize's 0.55 to 0.36).
fn resize_typed<P: fir::PixelTrait>(
    (src_width, src_height, src_data): (u32, u32, &mut [u8]),
    (dst_width, dst_height): (u32, u32),
) -> Result<Vec<u8>, String> {
    let src = TypedImage::<P>::from_buffer(src_width, src_height, src_data)
        .map_err(|e| format!("its pixels cannot be resized ({e})"))?;
    let mut data = vec![0; dst_width as usize * dst_height as usize * P::size()];
    let mut dst = TypedImage::<P>::from_buffer(dst_width, dst_height, &mut data)
        .map_err(|e| format!("its pixels cannot be resized ({e})"))?;
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize_typed(&src, &mut dst, &options)
        .map_err(|e| format!("it cannot be resized ({e})"))?;
    Ok(data)
}

/// `(width, height)` scaled so that the longest side is at most `longest`,
/// the aspect ratio kept (each side at least 1).
pub(crate) fn bounded(width: u32, height: u32, longest: u32) -> (u32, u32) {
    let side = width.max(height);
    if side <= longest {
        return (width, height);
    }
    scaled(width, height, f64::from(longest) / f64::from(side))
}

/// Both sides times `factor`, rounded, at least 1.
pub(crate) fn scaled(width: u32, height: u32, factor: f64) -> (u32, u32) {
    let side = |v: u32| ((f64::from(v) * factor).round() as u32).max(1);
    (side(width), side(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_keeps_the_aspect_ratio() {
        assert_eq!(bounded(6000, 4000, 3000), (3000, 2000));
        assert_eq!(bounded(4000, 6000, 3000), (2000, 3000));
        assert_eq!(bounded(100, 50, 3000), (100, 50));
        assert_eq!(bounded(10000, 1, 100), (100, 1));
    }

    #[test]
    fn opaque_alpha_is_dropped_and_real_alpha_kept() {
        let opaque = image::RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 255]));
        let p = Pixels::from_image(image::DynamicImage::ImageRgba8(opaque));
        assert!(!p.alpha);
        assert_eq!(p.data.len(), 4 * 4 * 3);
        let mut clear = image::RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 255]));
        clear.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        let p = Pixels::from_image(image::DynamicImage::ImageRgba8(clear));
        assert!(p.alpha);
    }

    #[test]
    fn resizing_gives_the_asked_size() {
        let img =
            image::RgbImage::from_fn(64, 32, |x, y| image::Rgb([x as u8 * 4, y as u8 * 8, 0]));
        let mut p = Pixels::from_image(image::DynamicImage::ImageRgb8(img));
        let small = p.resized(16, 8).unwrap();
        assert_eq!(
            (small.width, small.height, small.data.len()),
            (16, 8, 16 * 8 * 3)
        );
    }

    /// The pixels come out where they went in, in their own layout: an
    /// RGBA image resized as RGB (or the other way round) keeps its size
    /// but scrambles its channels.
    #[test]
    fn resizing_keeps_colour_and_transparency_in_place() {
        // Left half opaque red, right half transparent (green beneath, which
        // must not bleed into the red).
        let img = image::RgbaImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 255, 0, 0])
            }
        });
        let mut p = Pixels::from_image(image::DynamicImage::ImageRgba8(img));
        assert!(p.alpha);
        let small = p.resized(16, 8).unwrap();
        assert_eq!(small.data.len(), 16 * 8 * 4);
        let at = |x: usize, y: usize| &small.data[(y * 16 + x) * 4..][..4];
        for y in 0..8 {
            assert_eq!(at(1, y), [255, 0, 0, 255], "row {y}, left");
            assert_eq!(at(14, y)[3], 0, "row {y}, right");
        }
        // RGB: left red, right blue.
        let img = image::RgbImage::from_fn(64, 32, |x, _| {
            image::Rgb(if x < 32 { [255, 0, 0] } else { [0, 0, 255] })
        });
        let small = Pixels::from_image(image::DynamicImage::ImageRgb8(img))
            .resized(16, 8)
            .unwrap();
        let at = |x: usize, y: usize| &small.data[(y * 16 + x) * 3..][..3];
        for y in 0..8 {
            assert_eq!(at(1, y), [255, 0, 0], "row {y}, left");
            assert_eq!(at(14, y), [0, 0, 255], "row {y}, right");
        }
    }
}
