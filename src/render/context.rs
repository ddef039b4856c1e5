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
        let instance_for = |backends| {
            let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
            desc.backends = backends;
            wgpu::Instance::new(desc)
        };
        if let Some(backends) = wgpu::Backends::from_env() {
            return Self::with_instance(instance_for(backends), None);
        }
        // Vulkan/Metal/DX12 first; OpenGL only when none of them has an adapter.
        Self::with_instance(instance_for(wgpu::Backends::PRIMARY), None)
            .or_else(|_| Self::with_instance(instance_for(wgpu::Backends::GL), None))
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
