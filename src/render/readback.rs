//! Reading a texture back to the CPU: screenshots of the window and snapshot tests.

use image::RgbImage;

use super::RenderError;

/// A texture copy recorded into an encoder, to be read once the encoder is submitted.
pub struct Readback {
    buffer: wgpu::Buffer,
    width: u32,
    height: u32,
    padded_row: u32,
    bgra: bool,
}

impl Readback {
    /// Records a copy of `texture` (8-bit RGBA or BGRA, with COPY_SRC usage) into `encoder`.
    pub fn record(device: &wgpu::Device, encoder: &mut wgpu::CommandEncoder, texture: &wgpu::Texture) -> Self {
        let (width, height) = (texture.width(), texture.height());
        let padded_row = (width * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: (padded_row * height) as u64,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        encoder.copy_texture_to_buffer(
            texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &buffer,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded_row),
                    rows_per_image: None,
                },
            },
            wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
        );
        let bgra = matches!(texture.format(), wgpu::TextureFormat::Bgra8Unorm | wgpu::TextureFormat::Bgra8UnormSrgb);
        Self { buffer, width, height, padded_row, bgra }
    }

    /// Waits for the copy (after the encoder was submitted) and returns the pixels as RGB.
    pub fn into_image(self, device: &wgpu::Device) -> Result<RgbImage, RenderError> {
        let fail = |e: &dyn std::fmt::Display| RenderError::Readback(e.to_string());
        let slice = self.buffer.slice(..);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| fail(&e))?;
        rx.recv().map_err(|e| fail(&e))?.map_err(|e| fail(&e))?;
        let data = slice.get_mapped_range().map_err(|e| fail(&e))?;
        let mut img = RgbImage::new(self.width, self.height);
        for (y, row) in data.chunks_exact(self.padded_row as usize).enumerate().take(self.height as usize) {
            for x in 0..self.width as usize {
                let p = &row[x * 4..x * 4 + 4];
                let rgb = if self.bgra { [p[2], p[1], p[0]] } else { [p[0], p[1], p[2]] };
                img.put_pixel(x as u32, y as u32, image::Rgb(rgb));
            }
        }
        Ok(img)
    }
}
