//! Prints a landmark model's raw outputs for a fixed, generated input as JSON, so that two builds
//! of Vanity (Linux and Windows, or two ONNX Runtime versions) can be compared at the model
//! itself, apart from image decoding and crop maths:
//! `cargo run --release --example model_outputs -- models/face_landmarks_v1.onnx 192 > linux.json`.

use std::path::PathBuf;

use ort::value::TensorRef;
use vanity::runtime::{SessionConfig, session};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let model = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!("usage: model_outputs MODEL SIDE"))?);
    let side: usize = args.next().ok_or_else(|| anyhow::anyhow!("usage: model_outputs MODEL SIDE"))?.parse()?;
    // A smooth, face-sized pattern in [0, 1]: the same values on every platform (no libm calls).
    let input: Vec<f32> = (0..side * side * 3)
        .map(|i| {
            let (y, x, c) = (i / (side * 3), (i / 3) % side, i % 3);
            ((x * 7 + y * 13 + c * 31) % 256) as f32 / 255.0
        })
        .collect();
    let mut session = session(&model, SessionConfig::default())?;
    let tensor = TensorRef::from_array_view(([1usize, side, side, 3], input.as_slice()))?;
    let outputs = session.run(ort::inputs![tensor])?;
    let mut json = serde_json::Map::new();
    for (name, value) in outputs.iter() {
        let (_, data) = value.try_extract_tensor::<f32>()?;
        json.insert(name.to_string(), data.iter().map(|v| serde_json::json!(v)).collect());
    }
    println!("{}", serde_json::Value::Object(json));
    Ok(())
}
