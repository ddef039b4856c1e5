//! Prints the light the renderer estimates for each face of an image (colour, whether measured,
//! direction): `cargo run --example light_probe -- IMAGE LANDMARKS.json`.
use glam::Vec3;
use vanity::face::mesh::CanonicalMesh;
use vanity::render::lighting::{LightProbe, vertex_normals};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let img = vanity::capture::still::load_rgb(std::path::Path::new(&args[1])).expect("image");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&args[2]).expect("json")).expect("json");
    let mesh = CanonicalMesh::load();
    let mut probe = LightProbe::new(&mesh);
    for face in json["faces"].as_array().expect("faces") {
        let lm: Vec<Vec3> = face["landmarks"]
            .as_array()
            .expect("landmarks")
            .iter()
            .map(|p| {
                Vec3::new(p[0].as_f64().unwrap() as f32, p[1].as_f64().unwrap() as f32, p[2].as_f64().unwrap() as f32)
            })
            .collect();
        let mut n = Vec::new();
        vertex_normals(&lm, &mesh.triangles, &mut n);
        probe.forget();
        let l = probe.estimate(&img, [(&lm[..], &n[..])]);
        println!("{:?}", l[0]);
    }
}
