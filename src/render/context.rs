//! The GPU device: one per process, headless or for a window.

use super::RenderError;

/// Device and queue.
pub struct GpuContext {
    /// The instance the adapter came from (windows create their surfaces from it).
    pub instance: wgpu::Instance,
    /// The adapter in use.
    pub adapter: wgpu::Adapter,
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
}

impl GpuContext {
    /// A device with no window. The backend comes from `WGPU_BACKEND` (e.g. `vulkan`, `gl`) when
    /// set, so tests can pick Mesa's software Vulkan (lavapipe) on machines without a GPU.
    pub fn headless() -> Result<Self, RenderError> {
        first_working_backend(|backends| Self::with_instance(instance_for(backends), None))
    }

    /// A device and a surface for `window`, from the first backend (in [`backend_order`]) whose
    /// adapter can present to it and gives a device.
    pub fn for_window<W: wgpu::DisplayAndWindowHandle + 'static>(
        window: &std::sync::Arc<W>,
    ) -> Result<(Self, wgpu::Surface<'static>), RenderError> {
        first_working_backend(|backends| {
            let instance = instance_for(backends);
            let surface = instance.create_surface(window.clone()).map_err(|e| RenderError::NoAdapter(e.to_string()))?;
            let ctx = Self::with_instance(instance, Some(&surface))?;
            Ok((ctx, surface))
        })
    }

    /// A device able to present to `surface` (when given), from `instance`.
    pub fn with_instance(instance: wgpu::Instance, surface: Option<&wgpu::Surface<'_>>) -> Result<Self, RenderError> {
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::from_env().unwrap_or(wgpu::PowerPreference::HighPerformance),
            force_fallback_adapter: false,
            compatible_surface: surface,
            ..Default::default()
        }))
        .map_err(|e| RenderError::NoAdapter(e.to_string()))?;
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("vanity"),
            required_features: wgpu::Features::empty(),
            required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
            ..Default::default()
        }))
        .map_err(|e| RenderError::NoDevice(e.to_string()))?;
        let info = adapter.get_info();
        tracing::info!(name = %info.name, backend = ?info.backend, "GPU adapter");
        Ok(Self { instance, adapter, device, queue })
    }

    /// "name (backend)" of the adapter, for reports.
    pub fn describe(&self) -> String {
        let info = self.adapter.get_info();
        format!("{} ({:?})", info.name, info.backend)
    }
}

/// An instance limited to `backends`.
fn instance_for(backends: wgpu::Backends) -> wgpu::Instance {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.backends = backends;
    wgpu::Instance::new(desc)
}

/// The backends tried, one at a time and in this order: `WGPU_BACKEND` alone when set; else
/// Direct3D 12 (every Windows driver), Vulkan, Metal, and OpenGL last. One at a time, because an
/// adapter can exist and still fail to give a device (Wine's Direct3D 12 on a software driver
/// does): then the next backend gets its turn instead of the whole start failing.
fn backend_order() -> Vec<wgpu::Backends> {
    match wgpu::Backends::from_env() {
        Some(chosen) => vec![chosen],
        None => vec![wgpu::Backends::DX12, wgpu::Backends::VULKAN, wgpu::Backends::METAL, wgpu::Backends::GL],
    }
}

/// The first backend for which `start` succeeds; when none does, every backend's reason.
fn first_working_backend<T>(mut start: impl FnMut(wgpu::Backends) -> Result<T, RenderError>) -> Result<T, RenderError> {
    let mut reasons = Vec::new();
    for backends in backend_order() {
        match start(backends) {
            Ok(started) => return Ok(started),
            Err(e) => {
                tracing::debug!(?backends, "no device: {e}");
                reasons.push(e);
            }
        }
    }
    // A device refusal says more than a backend without adapters: report it when there is one.
    match reasons.iter().position(|e| matches!(e, RenderError::NoDevice(_))) {
        Some(i) => Err(reasons.swap_remove(i)),
        None => Err(RenderError::NoAdapter(
            reasons
                .iter()
                .map(|e| match e {
                    RenderError::NoAdapter(why) => why.clone(),
                    other => other.to_string(),
                })
                .filter(|why| !why.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}
