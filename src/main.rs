//! The `vanity` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use vanity::capture;
use vanity::face::CanonicalMesh;
use vanity::looks::{Catalog, Look};
use vanity::outfile::{self, OutputKind, Planned};
use vanity::output::{self, FaceJson, FrameJson, ImageJson, TrackJson};
use vanity::render::{FaceDraw, GpuContext, Renderer};
use vanity::runtime::SessionConfig;
use vanity::tracking::hands::MAX_HANDS;
use vanity::tracking::{ModelKind, ModelPaths, Tracker, TrackerConfig};

/// Prints a line to stdout. A closed pipe (`vanity … | head -1`) or a full disk becomes an error
/// handled once in `main` (quiet for the pipe, one line for the disk), never a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).context("cannot write to standard output")?
    }};
}

#[derive(Parser)]
#[command(name = "vanity", version, about = "Live virtual makeup mirror")]
struct Cli {
    /// Folder with the .onnx models (default: VANITY_MODELS, models/ beside the binary, or the checkout's).
    #[arg(long, global = true)]
    models: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    app: AppArgs,
}

/// The live mirror (when no subcommand is given).
#[derive(clap::Args)]
struct AppArgs {
    /// camera, camera:N, or an image / folder of frames / .mp4 (looped) [default: the camera used
    /// last]. Give it more than once with --cycle to alternate between sources.
    #[arg(long)]
    source: Vec<vanity::app::SourceArg>,
    /// Demo: show the next bundled look every SECS seconds, and the next --source each time all
    /// looks were shown (store demo screens, soak tests).
    #[arg(long, value_name = "SECS")]
    cycle: Option<f32>,
    /// Look to start with: a file or a bundled look name (default: the last one used).
    #[arg(long)]
    look: Option<String>,
    /// Kiosk mode: fullscreen, simplified panel, nothing written to disk; leave with the PIN + Enter.
    #[arg(long)]
    kiosk: bool,
    /// Kiosk: PIN to type (then Enter) to leave kiosk mode.
    #[arg(long, default_value = "2468")]
    kiosk_pin: String,
    /// Kiosk: seconds with no face before the default look comes back.
    #[arg(long, default_value_t = 30.0)]
    kiosk_reset_secs: f32,
    /// Exit after this many presented frames (automation).
    #[arg(long)]
    exit_after: Option<u64>,
    /// Exit after this many seconds (automation).
    #[arg(long, value_name = "SECS")]
    exit_after_secs: Option<f32>,
    /// Open the Advisor tab and start "Find my shades" at launch (with --exit-after, the app
    /// also waits for the measurement to finish).
    #[arg(long)]
    find_shades: bool,
    /// With --exit-after: save the window as shown here.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// With --exit-after: write fps and latency statistics here (JSON).
    #[arg(long)]
    stats: Option<PathBuf>,
    /// With --stats: write one JSON line every SECS seconds (that interval's statistics, resident
    /// memory and threads) instead of one report at exit: for kiosks and soak tests.
    #[arg(long, value_name = "SECS")]
    stats_every: Option<f32>,
    /// Landmark model for the mirror (default: the last one used, else v2).
    #[arg(long, value_enum)]
    model: Option<ModelKind>,
    /// Camera resolution to ask for.
    #[arg(long, default_value_t = 1280)]
    width: u32,
    /// Camera resolution to ask for.
    #[arg(long, default_value_t = 720)]
    height: u32,
    /// Most faces made up at once.
    #[arg(long, default_value_t = 4)]
    max_faces: usize,
    /// Don't look for hands (makeup is then drawn over a hand in front of the face; saves the
    /// hand models' time on a slow machine).
    #[arg(long)]
    no_hands: bool,
    /// Don't look for the body under each face (makeup is then drawn over a shoulder in front of
    /// the face; saves a pose inference per face and frame on a slow machine).
    #[arg(long)]
    no_bodies: bool,
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
    /// Time the makeup renderer at 1280×720 with one and four faces.
    BenchRender {
        /// Face counts to time.
        #[arg(long, value_delimiter = ',', default_value = "1,4")]
        faces: Vec<usize>,
        /// Frames timed per face count.
        #[arg(long, default_value_t = 30)]
        frames: usize,
        /// Look to draw (all layers by default).
        #[arg(long, default_value = "glam")]
        look: String,
        /// Also check for leaks: every look, finish and layer for N frames (this many), then 2N
        /// more; prints peak resident memory at N and 3N.
        #[arg(long)]
        memory: Option<usize>,
        /// Write results as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Render every look, lipstick finish and layer on the sample face into one image.
    Sheet {
        /// Face image (default: the bundled sample face).
        #[arg(long)]
        image: Option<PathBuf>,
        /// Output PNG.
        #[arg(long, default_value = "docs/contact_sheet.png")]
        out: PathBuf,
        /// Only the six lipstick finishes, large, side by side on the mouth at kiosk distance
        /// (the face scaled to 200 px between the eyes).
        #[arg(long)]
        finishes: bool,
    },
    /// Product catalogs.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Where this Vanity finds its data, ONNX Runtime and settings (for support and installs).
    Info,
    /// Measure each face: skin depth and undertone (light-corrected), lips, iris, face shape,
    /// skin condition and the light.
    Analyze {
        /// Input image (PNG or JPEG).
        image: PathBuf,
        #[arg(long, value_enum, default_value_t = ModelKind::V2)]
        model: ModelKind,
        #[arg(long, default_value_t = 4)]
        max_faces: usize,
        /// Write the analysis as JSON here (- for stdout).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Use the stored grey-card calibration (`vanity calibrate`) instead of the eye whites.
        #[arg(long)]
        calibrated: bool,
    },
    /// Analyze, then rank the catalog's products for the largest face, with reasons.
    Recommend {
        /// Input image (PNG or JPEG).
        image: PathBuf,
        /// Catalog TOML (default: the bundled demo counter).
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// Advice rules TOML (default: the bundled assets/advice.toml).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Occasion: everyday, office, evening, bridal.
        #[arg(long, default_value = "everyday")]
        occasion: String,
        /// natural or bold (default: the occasion's).
        #[arg(long)]
        intensity: Option<String>,
        /// Finishes you like (comma-separated).
        #[arg(long, value_delimiter = ',')]
        like: Vec<vanity::looks::Finish>,
        /// Finishes to avoid (comma-separated).
        #[arg(long, value_delimiter = ',')]
        avoid: Vec<vanity::looks::Finish>,
        /// Categories to leave out (comma-separated: lipstick, blush, eyeshadow, eyeliner, brows, foundation).
        #[arg(long, value_delimiter = ',')]
        skip: Vec<vanity::looks::catalog::Category>,
        #[arg(long, value_enum, default_value_t = ModelKind::V2)]
        model: ModelKind,
        /// Write analysis and recommendations as JSON here (- for stdout).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the top picks as a look file (for `apply` and the mirror).
        #[arg(long)]
        look_out: Option<PathBuf>,
        /// Use the stored grey-card calibration instead of the eye whites.
        #[arg(long)]
        calibrated: bool,
    },
    /// Store a kiosk's light: a photo of an 18 % grey card filling the centre of the frame.
    Calibrate {
        /// Photo with the grey card in the middle fifth of the frame.
        image: PathBuf,
    },
    /// Time each tracking stage on a video (tracking mode), for several thread settings.
    Bench {
        /// Video or folder to track (default: the bundled sample video).
        source: Option<PathBuf>,
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

#[derive(Subcommand)]
enum CatalogCommand {
    /// Convert a CSV export (brand,name,sku,category,shade,finish,undertone) to catalog TOML.
    Import {
        /// CSV file.
        csv: PathBuf,
        /// Catalog TOML to write.
        #[arg(long)]
        out: PathBuf,
        /// Catalog name.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Check a catalog TOML file and list its products.
    Check {
        /// Catalog TOML.
        catalog: PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,winit=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// Whether the error is only that stdout's reader went away (`| head`): a normal end, as for
/// other command-line tools.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<vanity::outfile::OutputError>().is_some_and(|o| {
                matches!(o, vanity::outfile::OutputError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}

/// The error and its causes on one line, each cause once: a library error that already quotes its
/// source (`file: Is a directory (os error 21)`) is not followed by that source again.
fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn run(cli: Cli) -> Result<()> {
    let paths = cli.models.map(ModelPaths::new).unwrap_or_else(ModelPaths::discover);
    let Some(command) = cli.command else {
        let a = cli.app;
        if !(1..=vanity::render::MAX_FACES).contains(&a.max_faces) {
            bail!("--max-faces {}: the mirror makes up 1 to {} faces at once", a.max_faces, vanity::render::MAX_FACES);
        }
        if !(a.kiosk_reset_secs.is_finite() && a.kiosk_reset_secs > 0.0 && a.kiosk_reset_secs <= 86_400.0) {
            bail!("--kiosk-reset-secs {}: must be a number of seconds from 0 to 86400", a.kiosk_reset_secs);
        }
        if a.kiosk_pin.is_empty()
            || a.kiosk_pin.chars().count() > 16
            || !a.kiosk_pin.chars().all(|c| c.is_ascii_alphanumeric())
        {
            bail!("--kiosk-pin: must be 1 to 16 letters or digits (typed on the kiosk's keyboard, then Enter)");
        }
        if !(MIN_SIZE.0..=MAX_SIZE.0).contains(&a.width) || !(MIN_SIZE.1..=MAX_SIZE.1).contains(&a.height) {
            bail!(
                "--width {} --height {}: the camera and window size must be from {}x{} to {}x{}",
                a.width,
                a.height,
                MIN_SIZE.0,
                MIN_SIZE.1,
                MAX_SIZE.0,
                MAX_SIZE.1
            );
        }
        let seconds = |flag: &str, value: Option<f32>| -> Result<Option<std::time::Duration>> {
            match value {
                None => Ok(None),
                Some(v) if v.is_finite() && v > 0.0 && v <= 604_800.0 => {
                    Ok(Some(std::time::Duration::from_secs_f32(v)))
                }
                Some(v) => bail!("{flag} {v}: must be a number of seconds from 0 to 604800 (a week)"),
            }
        };
        let cycle = seconds("--cycle", a.cycle)?;
        let exit_after_time = seconds("--exit-after-secs", a.exit_after_secs)?;
        let stats_every = seconds("--stats-every", a.stats_every)?;
        let ends = a.exit_after.is_some() || exit_after_time.is_some();
        if a.screenshot.is_some() && !ends {
            bail!("--screenshot needs --exit-after N or --exit-after-secs SECS");
        }
        if a.stats.is_some() && !ends && stats_every.is_none() {
            bail!("--stats needs --exit-after N, --exit-after-secs SECS or --stats-every SECS");
        }
        if stats_every.is_some() && a.stats.is_none() {
            bail!("--stats-every needs --stats FILE");
        }
        if a.source.len() > 1 && cycle.is_none() {
            bail!("--source given {} times: alternating sources needs --cycle SECS", a.source.len());
        }
        return Ok(vanity::app::mirror::run(vanity::app::AppOptions {
            source: a.source.first().cloned(),
            cycle: cycle.map(|every| vanity::app::CycleOptions { every, sources: a.source.clone() }),
            look: a.look,
            kiosk: a.kiosk,
            kiosk_pin: a.kiosk_pin,
            kiosk_reset_secs: a.kiosk_reset_secs,
            exit_after: a.exit_after,
            exit_after_time,
            stats_every,
            find_shades: a.find_shades,
            screenshot: a.screenshot,
            stats: a.stats,
            model: a.model,
            models: paths,
            width: a.width,
            height: a.height,
            max_faces: a.max_faces,
            hands: !a.no_hands,
            bodies: !a.no_bodies,
        })?);
    };
    match command {
        Command::Landmarks { image, model, max_faces, json, overlay } => {
            landmarks(&paths, &image, model, max_faces, json.as_deref(), overlay.as_deref())
        }
        Command::Track { source, model, raw, max_faces, json } => track(&paths, &source, model, raw, max_faces, &json),
        Command::Apply { image, look, model, max_faces, out } => apply(&paths, &image, &look, model, max_faces, &out),
        Command::BenchRender { faces, frames, look, memory, json } => {
            bench_render(&paths, &faces, frames, &look, memory, json.as_deref())
        }
        Command::Sheet { image, out, finishes } => {
            sheet(&paths, &image.unwrap_or_else(|| vanity::data::asset("samples/astronaut.png")), &out, finishes)
        }
        Command::Catalog(CatalogCommand::Import { csv, out, name }) => {
            outfile::check(&[&csv], &[Planned { path: &out, kind: OutputKind::Text }])?;
            let text = std::fs::read_to_string(&csv).with_context(|| format!("cannot read {}", csv.display()))?;
            let mut catalog = Catalog::from_csv(&text, &csv)?;
            catalog.name = name;
            outfile::write_text(&out, &catalog.to_toml())?;
            eprintln!("{}: {} products -> {}", csv.display(), catalog.products.len(), out.display());
            Ok(())
        }
        Command::Catalog(CatalogCommand::Check { catalog }) => {
            let c = Catalog::load(&catalog)?;
            for p in &c.products {
                out!(
                    "{:<12} {:<10} {} {} — {} {}",
                    p.sku,
                    p.category.name(),
                    p.shade,
                    p.brand,
                    p.name,
                    p.finish.map(|f| f.name()).unwrap_or("")
                );
            }
            eprintln!("{}: {} products, valid", catalog.display(), c.products.len());
            Ok(())
        }
        Command::Info => info(&paths),
        Command::Analyze { image, model, max_faces, json, calibrated } => {
            analyze(&paths, &image, model, max_faces, json.as_deref(), calibrated)
        }
        Command::Recommend {
            image,
            catalog,
            rules,
            occasion,
            intensity,
            like,
            avoid,
            skip,
            model,
            json,
            look_out,
            calibrated,
        } => {
            let prefs =
                vanity::advisor::Preferences { occasion: Some(occasion), intensity, liked: like, avoided: avoid, skip };
            let files = AdviceFiles { catalog, rules, json, look_out };
            recommend(&paths, &image, model, &prefs, &files, calibrated)
        }
        Command::Calibrate { image } => calibrate(&image),
        Command::Bench { source, upscale, model, max_faces, rounds, threads, spin, json } => {
            let source = source.unwrap_or_else(vanity::data::sample_video);
            bench(&paths, &source, upscale, model, max_faces, rounds, &threads, spin, json.as_deref())
        }
    }
}

fn info(paths: &ModelPaths) -> Result<()> {
    let user = vanity::data::user_dir();
    let shown = |p: Option<PathBuf>| p.map(|p| p.display().to_string()).unwrap_or_else(|| "(none)".into());
    out!("version: {}", env!("CARGO_PKG_VERSION"));
    out!("data: {}", vanity::data::data_dir().display());
    out!("models: {}", paths.detector().parent().unwrap_or(Path::new("")).display());
    match vanity::runtime::init() {
        Ok(lib) => out!("onnxruntime: {}", lib.display()),
        Err(e) => out!("onnxruntime: {e}"),
    }
    out!("settings: {}", shown(user.as_ref().map(|d| d.join("settings.toml"))));
    out!("your looks: {}", shown(user.map(|d| d.join("looks"))));
    out!("snapshots: {}", vanity::data::snapshot_dir().display());
    Ok(())
}

/// Smallest and largest camera/window size the mirror accepts (8K; GPUs allow 8192 texels).
const MIN_SIZE: (u32, u32) = (160, 120);
const MAX_SIZE: (u32, u32) = (7680, 4320);

/// Largest upscaled frame `vanity bench` holds (every frame is decoded into memory first).
const MAX_BENCH_PIXELS: u64 = 8_000_000;

/// The stored kiosk calibration, when asked for; an error when asked for and missing.
fn calibration(wanted: bool) -> Result<Option<vanity::advisor::Correction>> {
    if !wanted {
        return Ok(None);
    }
    match vanity::app::settings::Settings::load().calibration {
        Some(c) => Ok(Some(c)),
        None => bail!("no stored calibration: run `vanity calibrate GREY_CARD_PHOTO` first"),
    }
}

/// Faces of `frame` measured by the advisor, largest first, with their JSON.
fn measure_faces(
    paths: &ModelPaths,
    frame: &image::RgbImage,
    model: ModelKind,
    max_faces: usize,
    calibrated: bool,
) -> Result<Vec<(vanity::advisor::Measurement, vanity::advisor::FaceJson)>> {
    let advisor = vanity::advisor::Advisor::new(calibration(calibrated)?);
    let mut faces = tracker(paths, model, max_faces, false)?.detect_image(frame)?;
    faces.sort_by(|a, b| b.inter_ocular().total_cmp(&a.inter_ocular()));
    Ok(faces
        .iter()
        .filter_map(|f| {
            let m = advisor.measure(frame, &f.landmarks)?;
            let json = vanity::advisor::face_json(f.bounding_box(), &m);
            Some((m, json))
        })
        .collect())
}

/// One short human line per face.
fn summary(image: &Path, i: usize, f: &vanity::advisor::FaceJson) -> String {
    let s = &f.skin;
    format!(
        "{}: face {}: skin {} (L* {:.1}, a* {:.1}, b* {:.1}), Monk {}, ITA {:.0}° {}, undertone {}{} (h {:.1}°), {} face; light {} ({:.0} K, confidence {:.2}): {}",
        image.display(),
        i + 1,
        s.hex,
        s.lab[0],
        s.lab[1],
        s.lab[2],
        s.monk,
        s.ita,
        s.ita_band.name(),
        s.undertone.name(),
        if s.certain { "" } else { " (uncertain)" },
        s.hue,
        f.face_shape.name(),
        f.lighting.verdict,
        f.lighting.cct,
        f.lighting.confidence,
        f.lighting.advice
    )
}

/// `vanity analyze` output.
#[derive(serde::Serialize)]
struct AnalysisJson {
    width: u32,
    height: u32,
    faces: Vec<vanity::advisor::FaceJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendations: Option<Vec<vanity::advisor::Recommendation>>,
}

fn analyze(
    paths: &ModelPaths,
    image: &Path,
    model: ModelKind,
    max_faces: usize,
    json: Option<&Path>,
    calibrated: bool,
) -> Result<()> {
    let planned: Vec<_> = json.iter().map(|&path| Planned { path, kind: OutputKind::Json }).collect();
    outfile::check(&[image], &planned)?;
    let frame = capture::still::load_rgb(image)?;
    let faces = measure_faces(paths, &frame, model, max_faces, calibrated)?;
    for (i, (_, f)) in faces.iter().enumerate() {
        out!("{}", summary(image, i, f));
    }
    if faces.is_empty() {
        out!("{}: no face found", image.display());
    }
    if let Some(p) = json {
        let out = AnalysisJson {
            width: frame.width(),
            height: frame.height(),
            faces: faces.into_iter().map(|(_, f)| f).collect(),
            recommendations: None,
        };
        output::write_json(p, &out)?;
    }
    Ok(())
}

/// The files `vanity recommend` reads and writes besides the image.
struct AdviceFiles {
    catalog: Option<PathBuf>,
    rules: Option<PathBuf>,
    json: Option<PathBuf>,
    look_out: Option<PathBuf>,
}

fn recommend(
    paths: &ModelPaths,
    image: &Path,
    model: ModelKind,
    prefs: &vanity::advisor::Preferences,
    files: &AdviceFiles,
    calibrated: bool,
) -> Result<()> {
    let catalog_path = files.catalog.clone().unwrap_or_else(Catalog::bundled_path);
    let rules_path = files.rules.clone().unwrap_or_else(vanity::advisor::Rules::bundled_path);
    let mut planned: Vec<_> = files.json.iter().map(|p| Planned { path: p, kind: OutputKind::Json }).collect();
    planned.extend(files.look_out.iter().map(|p| Planned { path: p, kind: OutputKind::Text }));
    outfile::check(&[image, &catalog_path, &rules_path], &planned)?;
    let catalog = Catalog::load(&catalog_path)?;
    let rules = vanity::advisor::Rules::load(&rules_path)?;
    if let Some(o) = &prefs.occasion
        && !rules.occasion.contains_key(o)
    {
        bail!("--occasion {o}: the rules know {}", rules.occasion.keys().cloned().collect::<Vec<_>>().join(", "));
    }
    if let Some(i) = &prefs.intensity
        && !rules.intensity.contains_key(i)
    {
        bail!("--intensity {i}: the rules know {}", rules.intensity.keys().cloned().collect::<Vec<_>>().join(", "));
    }
    let frame = capture::still::load_rgb(image)?;
    let mut faces = measure_faces(paths, &frame, model, 4, calibrated)?;
    let Some((main, _)) = faces.first() else { bail!("{}: no face found", image.display()) };
    let picks = vanity::advisor::recommend(main, &catalog, &rules, prefs);
    out!("{}", summary(image, 0, &faces[0].1));
    if picks.is_empty() {
        out!("no recommendations: {}", main.lighting.advice);
    }
    for r in &picks {
        out!(
            "{:<10} {:<12} {} {:<24} score {:>5.2}  {}",
            r.category,
            r.sku,
            r.hex,
            r.name,
            r.score,
            r.reasons.join("; ")
        );
    }
    if let Some(p) = &files.look_out {
        let look = vanity::advisor::look_of(&picks, &catalog, "Recommended for you");
        outfile::write_text(p, &look.to_toml())?;
    }
    if let Some(p) = &files.json {
        faces[0].1.recommendations = Some(picks.clone());
        let out = AnalysisJson {
            width: frame.width(),
            height: frame.height(),
            faces: faces.into_iter().map(|(_, f)| f).collect(),
            recommendations: Some(picks),
        };
        output::write_json(p, &out)?;
    }
    Ok(())
}

fn calibrate(image: &Path) -> Result<()> {
    let frame = capture::still::load_rgb(image)?;
    let Some(c) = vanity::advisor::calibrate_from_grey_card(&frame) else {
        bail!("{}: the centre of the picture is clipped or too dark to read a grey card", image.display());
    };
    let mut settings = vanity::app::settings::Settings::load();
    settings.calibration = Some(c);
    settings.save();
    let (xy, level) = c.illuminant();
    out!(
        "{}: store light {:.0} K (level {:.2} of a standard exposure); saved to {}",
        image.display(),
        vanity::advisor::colour::cct(xy),
        level,
        vanity::app::settings::path().map(|p| p.display().to_string()).unwrap_or_default()
    );
    Ok(())
}

fn tracker(paths: &ModelPaths, model: ModelKind, max_faces: usize, smoothing: bool) -> Result<Tracker> {
    tracker_with(paths, TrackerConfig { model, max_faces, ..TrackerConfig::default() }, smoothing)
}

/// A tracker that also finds the hands in front of the faces (two per face: a photo may hold
/// several people) and the body under each face: for the commands that draw makeup.
fn makeup_tracker(paths: &ModelPaths, model: ModelKind, max_faces: usize) -> Result<Tracker> {
    let max_hands = MAX_HANDS.saturating_mul(max_faces);
    let config = TrackerConfig { model, max_faces, max_hands, bodies: true, ..TrackerConfig::default() };
    tracker_with(paths, config, false)
}

fn tracker_with(paths: &ModelPaths, mut config: TrackerConfig, smoothing: bool) -> Result<Tracker> {
    if config.max_faces == 0 {
        bail!("--max-faces must be at least 1");
    }
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
    let mut planned = Vec::new();
    planned.extend(json.map(|path| Planned { path, kind: OutputKind::Json }));
    planned.extend(overlay.map(|path| Planned { path, kind: OutputKind::Image }));
    outfile::check(&[image], &planned)?;
    let frame = capture::still::load_rgb(image)?;
    let mut tracker = tracker(paths, model, max_faces, false)?;
    let faces = tracker.detect_image(&frame)?;
    let out = ImageJson {
        width: frame.width(),
        height: frame.height(),
        model: model.name().into(),
        faces: faces.iter().map(FaceJson::from).collect(),
    };
    output::write_json(json.unwrap_or(Path::new("-")), &out)?;
    if let Some(p) = overlay {
        outfile::save_image(p, &output::overlay(&frame, &faces, &CanonicalMesh::load()).into())?;
    }
    eprintln!("{}: {} face(s)", image.display(), faces.len());
    Ok(())
}

fn track(paths: &ModelPaths, source: &Path, model: ModelKind, raw: bool, max_faces: usize, json: &Path) -> Result<()> {
    outfile::check(&[source], &[Planned { path: json, kind: OutputKind::Json }])?;
    let mut src = capture::open(source)?;
    // The container's header may claim another size than its frames have: the frames decide.
    let (mut width, mut height) = src.size();
    let mut tracker = tracker(paths, model, max_faces, !raw)?;
    let mut frames = Vec::new();
    let stopped = loop {
        let frame = match src.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break None,
            Err(e) => break Some(e),
        };
        (width, height) = frame.image.dimensions();
        let start = Instant::now();
        let faces = tracker.track(&frame.image, frame.time)?;
        let track_ms = start.elapsed().as_secs_f64() * 1e3;
        frames.push(FrameJson { index: frames.len(), track_ms, faces: faces.iter().map(FaceJson::from).collect() });
    };
    if let Some(e) = &stopped
        && frames.is_empty()
    {
        bail!("{e}");
    }
    let with_faces = frames.iter().filter(|f| !f.faces.is_empty()).count();
    let out = TrackJson { width, height, model: model.name().into(), frames };
    output::write_json(json, &out)?;
    if let Some(e) = stopped {
        // What was tracked is kept; the run still fails, saying where and why it stopped.
        bail!(
            "stopped at frame {}: {e} (the {} frames before it are in {})",
            out.frames.len(),
            out.frames.len(),
            json.display()
        );
    }
    eprintln!("{}: {} frames, {} with faces", source.display(), out.frames.len(), with_faces);
    Ok(())
}

fn apply(paths: &ModelPaths, image: &Path, look: &str, model: ModelKind, max_faces: usize, out: &Path) -> Result<()> {
    let (look, look_path) = Look::find(look)?;
    outfile::check(&[image, &look_path], &[Planned { path: out, kind: OutputKind::Image }])?;
    let photo = capture::still::load_upright(image)?;
    let frame = photo.to_rgb8();
    let mut tracker = makeup_tracker(paths, model, max_faces)?;
    let faces = tracker.detect_image(&frame)?;
    let mut renderer = Renderer::new(GpuContext::headless()?);
    renderer.set_look(&look);
    renderer.set_hands(tracker.hands());
    renderer.set_bodies(tracker.bodies());
    let draws: Vec<FaceDraw> = faces.iter().map(|f| FaceDraw { landmarks: &f.landmarks, strength: 1.0 }).collect();
    let made_up = renderer.render_photo(&frame, &draws)?;
    outfile::save_image(out, &with_alpha_of(made_up, &photo))?;
    eprintln!("{}: look \"{}\" on {} face(s) -> {}", image.display(), look.name, draws.len(), out.display());
    Ok(())
}

/// The made-up picture with the input's alpha channel back, when it had one (a PNG cut-out
/// stays a cut-out).
fn with_alpha_of(made_up: image::RgbImage, input: &image::DynamicImage) -> image::DynamicImage {
    if !input.color().has_alpha() {
        return made_up.into();
    }
    let alpha = input.to_rgba8();
    let rgba = image::RgbaImage::from_fn(made_up.width(), made_up.height(), |x, y| {
        let [r, g, b] = made_up.get_pixel(x, y).0;
        image::Rgba([r, g, b, alpha.get_pixel(x, y).0[3]])
    });
    rgba.into()
}

fn bench_render(
    paths: &ModelPaths,
    counts: &[usize],
    frames: usize,
    look: &str,
    memory: Option<usize>,
    json: Option<&Path>,
) -> Result<()> {
    if let Some(&n) = counts.iter().find(|&&n| n == 0 || n > vanity::render::MAX_FACES) {
        bail!("--faces {n}: each face count must be 1 to {}", vanity::render::MAX_FACES);
    }
    if frames == 0 || memory == Some(0) {
        bail!("--frames and --memory must be at least 1");
    }
    let planned: Vec<_> = json.iter().map(|&path| Planned { path, kind: OutputKind::Json }).collect();
    outfile::check(&[], &planned)?;
    let (look, _) = Look::find(look)?;
    let face = capture::still::load_rgb(&vanity::data::asset("samples/astronaut.png"))?;
    let mut tracker = tracker(paths, ModelKind::V2, 4, false)?;
    let mut renderer = Renderer::new(GpuContext::headless()?);
    renderer.set_look(&look);
    out!(
        "renderer on {}, look \"{}\" ({})",
        renderer.context().describe(),
        look.name,
        renderer.enabled_layers().join(", ")
    );
    out!("{:>5} {:>9} {:>12} {:>12} {:>14}", "faces", "size", "render p50", "render mean", "+readback p50");
    let mut results = Vec::new();
    for &n in counts {
        let frame = vanity::bench::tiled_frame(&face, n, 1280, 720);
        let faces: Vec<_> = tracker.detect_image(&frame)?.into_iter().map(|f| f.landmarks).collect();
        if faces.len() != n {
            bail!("found {} faces in the {n}-face benchmark frame", faces.len());
        }
        let r = vanity::bench::render_bench(&mut renderer, &frame, &faces, frames)?;
        out!(
            "{:>5} {:>9} {:>10.2}ms {:>10.2}ms {:>12.2}ms",
            n,
            format!("{}x{}", r.width, r.height),
            r.render_ms.p50,
            r.render_ms.mean,
            r.with_readback_ms.p50
        );
        results.push(r);
    }
    let memory = match memory {
        Some(n) => memory_check(&mut renderer, &mut tracker, &face, n)?,
        None => None,
    };
    if let Some(p) = json {
        let out = serde_json::json!({ "render": results, "memory": memory });
        output::write_json(p, &out)?;
    }
    Ok(())
}

/// Renders every look, finish and layer (the contact sheet's tiles) on one face for `frames`
/// frames, then twice more, and prints peak resident memory after each: a leak shows as growth.
fn memory_check(
    renderer: &mut Renderer,
    tracker: &mut Tracker,
    face: &image::RgbImage,
    frames: usize,
) -> Result<Option<vanity::bench::MemoryGrowth>> {
    let frame = vanity::bench::tiled_frame(face, 1, 1280, 720);
    let faces = tracker.detect_image(&frame)?;
    let draws: Vec<FaceDraw> = faces.iter().map(|f| FaceDraw { landmarks: &f.landmarks, strength: 1.0 }).collect();
    let entries = vanity::render::sheet::entries(&vanity::looks::look::bundled()?);
    let growth = vanity::bench::memory_growth(&entries, frames, |(_, look)| {
        renderer.set_look(look);
        renderer.render(&frame, &draws).map(|_| ())
    })?;
    match &growth {
        Some(g) => out!(
            "memory: {} looks x {} frames: peak RSS {:.1} MB at N, {:.1} MB at 3N (growth {:+.1} MB)",
            g.looks,
            g.frames_per_look,
            g.peak_mb_at_n,
            g.peak_mb_at_3n,
            g.growth_mb()
        ),
        None => out!("memory: this platform does not report peak resident memory"),
    }
    Ok(growth)
}

fn sheet(paths: &ModelPaths, image: &Path, out: &Path, finishes_only: bool) -> Result<()> {
    outfile::check(&[image], &[Planned { path: out, kind: OutputKind::Image }])?;
    let frame = capture::still::load_rgb(image)?;
    let faces: Vec<_> =
        tracker(paths, ModelKind::V2, 1, false)?.detect_image(&frame)?.into_iter().map(|f| f.landmarks).collect();
    if faces.is_empty() {
        bail!("{}: no face found", image.display());
    }
    let mut renderer = Renderer::new(GpuContext::headless()?);
    let (entries, columns, sheet) = if finishes_only {
        let sheet = vanity::render::sheet::finishes(&mut renderer, &frame, &faces[0])?;
        (vanity::render::sheet::finish_entries(), 3, sheet)
    } else {
        let looks: Vec<Look> = vanity::looks::look::bundled()?;
        let entries = vanity::render::sheet::entries(&looks);
        let sheet = vanity::render::sheet::render(&mut renderer, &frame, &faces, &entries, 6)?;
        (entries, 6, sheet)
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    outfile::save_image(out, &sheet.into())?;
    let captions: Vec<String> = entries.iter().enumerate().map(|(i, (c, _))| format!("{}. {c}", i + 1)).collect();
    out!("{} tiles, {columns} per row, left to right:\n{}", entries.len(), captions.join("\n"));
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
    let planned: Vec<_> = json.iter().map(|&path| Planned { path, kind: OutputKind::Json }).collect();
    outfile::check(&[source], &planned)?;
    if rounds < 2 {
        bail!("--rounds {rounds}: needs at least 2 (the first pass only warms up)");
    }
    if max_faces == 0 || threads.contains(&0) {
        bail!("--max-faces and every --threads value must be at least 1");
    }
    let (w, h) = capture::open(source)?.size();
    let pixels = u64::from(w) * u64::from(h) * u64::from(upscale).pow(2);
    if upscale == 0 || pixels > MAX_BENCH_PIXELS {
        bail!(
            "--upscale {upscale}: frames of {w}x{h} would become {}x{}; the factor must be at least 1 and \
             the frames at most {} megapixels",
            u64::from(w) * u64::from(upscale),
            u64::from(h) * u64::from(upscale),
            MAX_BENCH_PIXELS / 1_000_000
        );
    }
    let frames = vanity::bench::load_frames(source, upscale)?;
    let Some((first, _)) = frames.first() else { bail!("{}: no frames", source.display()) };
    out!("{} frames of {}x{}, model {}, tracking mode", frames.len(), first.width(), first.height(), model.name());
    out!(
        "{:>7} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>12}",
        "threads",
        "spin",
        "detect",
        "landmarks",
        "smooth",
        "total",
        "total p95",
        "detector",
        "advisor/face"
    );
    let mut results = Vec::new();
    let config = TrackerConfig { model, max_faces, ..TrackerConfig::default() };
    for &t in threads {
        for spinning in if spin { vec![false, true] } else { vec![false] } {
            let r = vanity::bench::run(&frames, paths, config, SessionConfig { intra_threads: t, spinning }, rounds)?;
            out!(
                "{:>7} {:>5} {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>8.3}ms {:>5}/{} {:>10.3}ms",
                t,
                spinning,
                r.detect_ms.mean,
                r.landmarks_ms.mean,
                r.smooth_ms.mean,
                r.total_ms.mean,
                r.total_ms.p95,
                r.detector_runs,
                r.frames,
                r.advisor_ms.mean
            );
            results.push(r);
        }
    }
    if let Some(p) = json {
        output::write_json(p, &results)?;
    }
    Ok(())
}
