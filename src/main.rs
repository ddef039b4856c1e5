//! The `vanity` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use vanity::capture;
use vanity::face::CanonicalMesh;
use vanity::looks::Look;
use vanity::output::{self, FaceJson, FrameJson, ImageJson, TrackJson};
use vanity::render::{FaceDraw, GpuContext, Renderer};
use vanity::runtime::SessionConfig;
use vanity::tracking::{ModelKind, ModelPaths, Tracker, TrackerConfig};

#[derive(Parser)]
#[command(name = "vanity", version, about = "Live virtual makeup mirror")]
struct Cli {
    /// Folder with the .onnx models (default: VANITY_MODELS, models/ beside the binary, or the checkout's).
    #[arg(long, global = true)]
    models: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find faces in one image and write their landmarks (and an overlay).
    Landmarks {
        /// Input image (PNG or JPEG).
        image: PathBuf,
        /// Landmark model: v1 (fast, 468 points) or v2 (precise, 478 points).
        #[arg(long, value_enum, default_value_t = ModelKind::V2)]
        model: ModelKind,
        /// Most faces to return.
        #[arg(long, default_value_t = 4)]
        max_faces: usize,
        /// Write landmarks as JSON here (default: print to stdout).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the image with the face mesh drawn over it.
        #[arg(long)]
        overlay: Option<PathBuf>,
    },
    /// Track faces through an image, a folder of images or an .mp4 file.
    Track {
        /// Image, folder of images (sorted by name) or .mp4 (H.264).
        source: PathBuf,
        #[arg(long, value_enum, default_value_t = ModelKind::V2)]
        model: ModelKind,
        /// Turn temporal smoothing off.
        #[arg(long)]
        raw: bool,
        #[arg(long, default_value_t = 4)]
        max_faces: usize,
        /// Output JSON.
        #[arg(long)]
        json: PathBuf,
    },
    /// Put a look on every face in an image and save the result (headless, no window needed).
    Apply {
        /// Input image (PNG or JPEG).
        image: PathBuf,
        /// A look file, or the name of a bundled look (see assets/looks/).
        #[arg(long)]
        look: String,
        #[arg(long, value_enum, default_value_t = ModelKind::V2)]
        model: ModelKind,
        #[arg(long, default_value_t = 4)]
        max_faces: usize,
        /// Output PNG.
        #[arg(long)]
        out: PathBuf,
    },
    /// Time each tracking stage on a video (tracking mode), for several thread settings.
    Bench {
        /// Video or folder to track.
        #[arg(default_value = "assets/samples/carphone.mp4")]
        source: PathBuf,
        /// Upscale frames by this factor first (4 turns carphone's 176×144 into 704×576).
        #[arg(long, default_value_t = 4)]
        upscale: u32,
        #[arg(long, value_enum, default_value_t = ModelKind::V1)]
        model: ModelKind,
        #[arg(long, default_value_t = 1)]
        max_faces: usize,
        /// Passes over the frames; the first warms up and is not counted.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Intra-op thread counts to compare.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Also measure with intra-op spinning on.
        #[arg(long)]
        spin: bool,
        /// Write results as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let paths = cli
        .models
        .map(ModelPaths::new)
        .unwrap_or_else(ModelPaths::discover);
    match cli.command {
        Command::Landmarks {
            image,
            model,
            max_faces,
            json,
            overlay,
        } => landmarks(
            &paths,
            &image,
            model,
            max_faces,
            json.as_deref(),
            overlay.as_deref(),
        ),
        Command::Track {
            source,
            model,
            raw,
            max_faces,
            json,
        } => track(&paths, &source, model, raw, max_faces, &json),
        Command::Apply {
            image,
            look,
            model,
            max_faces,
            out,
        } => apply(&paths, &image, &look, model, max_faces, &out),
        Command::Bench {
            source,
            upscale,
            model,
            max_faces,
            rounds,
            threads,
            spin,
            json,
        } => bench(
            &paths,
            &source,
            upscale,
            model,
            max_faces,
            rounds,
            &threads,
            spin,
            json.as_deref(),
        ),
    }
}

fn tracker(
    paths: &ModelPaths,
    model: ModelKind,
    max_faces: usize,
    smoothing: bool,
) -> Result<Tracker> {
    if max_faces == 0 {
        bail!("--max-faces must be at least 1");
    }
    let mut config = TrackerConfig {
        model,
        max_faces,
        ..TrackerConfig::default()
    };
    if !smoothing {
        config.smoothing = None;
    }
    Ok(Tracker::new(paths, config)?)
}

fn landmarks(
    paths: &ModelPaths,
    image: &Path,
    model: ModelKind,
    max_faces: usize,
    json: Option<&Path>,
    overlay: Option<&Path>,
) -> Result<()> {
    let frame = capture::still::load_rgb(image)?;
    let mut tracker = tracker(paths, model, max_faces, false)?;
    let faces = tracker.detect_image(&frame)?;
    let out = ImageJson {
        width: frame.width(),
        height: frame.height(),
        model: model.name().into(),
        faces: faces.iter().map(FaceJson::from).collect(),
    };
    match json {
        Some(p) => {
            output::write_json(p, &out).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => println!("{}", serde_json::to_string(&out)?),
    }
    if let Some(p) = overlay {
        output::overlay(&frame, &faces, &CanonicalMesh::load())
            .save(p)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    eprintln!("{}: {} face(s)", image.display(), faces.len());
    Ok(())
}

fn track(
    paths: &ModelPaths,
    source: &Path,
    model: ModelKind,
    raw: bool,
    max_faces: usize,
    json: &Path,
) -> Result<()> {
    let mut src = capture::open(source)?;
    let (width, height) = src.size();
    let mut tracker = tracker(paths, model, max_faces, !raw)?;
    let mut frames = Vec::new();
    while let Some(frame) = src.next_frame()? {
        let start = Instant::now();
        let faces = tracker.track(&frame.image, frame.time)?;
        let track_ms = start.elapsed().as_secs_f64() * 1e3;
        frames.push(FrameJson {
            index: frames.len(),
            track_ms,
            faces: faces.iter().map(FaceJson::from).collect(),
        });
    }
    let with_faces = frames.iter().filter(|f| !f.faces.is_empty()).count();
    let out = TrackJson {
        width,
        height,
        model: model.name().into(),
        frames,
    };
    output::write_json(json, &out).with_context(|| format!("cannot write {}", json.display()))?;
    eprintln!(
        "{}: {} frames, {} with faces",
        source.display(),
        out.frames.len(),
        with_faces
    );
    Ok(())
}

fn apply(
    paths: &ModelPaths,
    image: &Path,
    look: &str,
    model: ModelKind,
    max_faces: usize,
    out: &Path,
) -> Result<()> {
    let (look, _) = Look::find(look)?;
    let frame = capture::still::load_rgb(image)?;
    let mut tracker = tracker(paths, model, max_faces, false)?;
    let faces = tracker.detect_image(&frame)?;
    let mut renderer = Renderer::new(GpuContext::headless()?);
    renderer.set_look(&look);
    let draws: Vec<FaceDraw> = faces
        .iter()
        .map(|f| FaceDraw {
            landmarks: &f.landmarks,
            strength: 1.0,
        })
        .collect();
    let result = renderer.render(&frame, &draws)?;
    image::DynamicImage::ImageRgba8(result)
        .to_rgb8()
        .save(out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "{}: look \"{}\" on {} face(s) -> {}",
        image.display(),
        look.name,
        faces.len(),
        out.display()
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn bench(
    paths: &ModelPaths,
    source: &Path,
    upscale: u32,
    model: ModelKind,
    max_faces: usize,
    rounds: usize,
    threads: &[usize],
    spin: bool,
    json: Option<&Path>,
) -> Result<()> {
    let frames = vanity::bench::load_frames(source, upscale)?;
    let Some((first, _)) = frames.first() else {
        bail!("{}: no frames", source.display())
    };
    println!(
        "{} frames of {}x{}, model {}, tracking mode",
        frames.len(),
        first.width(),
        first.height(),
        model.name()
    );
    println!(
        "{:>7} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "threads", "spin", "detect", "landmarks", "smooth", "total", "total p95", "detector"
    );
    let mut results = Vec::new();
    let config = TrackerConfig {
        model,
        max_faces,
        ..TrackerConfig::default()
    };
    for &t in threads {
        for spinning in if spin { vec![false, true] } else { vec![false] } {
            let r = vanity::bench::run(
                &frames,
                paths,
                config,
                SessionConfig {
                    intra_threads: t,
                    spinning,
                },
                rounds,
            )?;
            println!(
                "{:>7} {:>5} {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>5}/{}",
                t,
                spinning,
                r.detect_ms.mean,
                r.landmarks_ms.mean,
                r.smooth_ms.mean,
                r.total_ms.mean,
                r.total_ms.p95,
                r.detector_runs,
                r.frames
            );
            results.push(r);
        }
    }
    if let Some(p) = json {
        output::write_json(p, &results).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
