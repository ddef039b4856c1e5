//! This process's memory and threads, as the operating system reports them: the mirror's
//! `--stats-every` lines, `scripts/soak` and `vanity bench-render --memory` watch them for leaks,
//! on a Windows store PC as on Linux.

/// Memory and threads of this process at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Resident memory now (Linux `VmRSS`, Windows working set), bytes.
    pub resident_bytes: u64,
    /// The most resident memory so far (Linux `VmHWM`, Windows peak working set), bytes.
    pub peak_resident_bytes: u64,
    /// Threads of this process.
    pub threads: u32,
}

/// This process's usage now; `None` where the platform does not say (or refuses).
pub fn usage() -> Option<Usage> {
    platform::usage()
}

#[cfg(target_os = "linux")]
mod platform {
    use super::Usage;

    /// From `/proc/self/status`.
    pub fn usage() -> Option<Usage> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.split_whitespace().next()?.parse().ok())
        };
        Some(Usage {
            resident_bytes: field("VmRSS:")? * 1024,
            peak_resident_bytes: field("VmHWM:")? * 1024,
            threads: u32::try_from(field("Threads:")?).ok()?,
        })
    }
}

#[cfg(windows)]
mod platform {
    use super::Usage;
    use windows_sys::Win32::Foundation::{CloseHandle, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
    };
    use windows_sys::Win32::System::ProcessStatus::{K32GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS};
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetCurrentProcessId};

    /// Working set from PSAPI; threads counted in a Tool Help snapshot (all of the system's
    /// threads, kept where the owner is this process).
    pub fn usage() -> Option<Usage> {
        // SAFETY: plain Win32 calls on this process's pseudo-handle, with correctly sized
        // out-structures; the snapshot handle is closed on every path.
        unsafe {
            let mut counters: PROCESS_MEMORY_COUNTERS = std::mem::zeroed();
            let size = std::mem::size_of::<PROCESS_MEMORY_COUNTERS>() as u32;
            if K32GetProcessMemoryInfo(GetCurrentProcess(), &mut counters, size) == 0 {
                return None;
            }
            let snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
            if snapshot == INVALID_HANDLE_VALUE {
                return None;
            }
            let me = GetCurrentProcessId();
            let mut entry: THREADENTRY32 = std::mem::zeroed();
            entry.dwSize = std::mem::size_of::<THREADENTRY32>() as u32;
            let mut threads = 0u32;
            let mut more = Thread32First(snapshot, &mut entry) != 0;
            while more {
                threads += u32::from(entry.th32OwnerProcessID == me);
                more = Thread32Next(snapshot, &mut entry) != 0;
            }
            CloseHandle(snapshot);
            Some(Usage {
                resident_bytes: counters.WorkingSetSize as u64,
                peak_resident_bytes: counters.PeakWorkingSetSize as u64,
                threads,
            })
        }
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod platform {
    /// Not read on this platform yet.
    pub fn usage() -> Option<super::Usage> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(any(target_os = "linux", windows))]
    fn this_process_has_memory_and_the_threads_it_starts() {
        let now = usage().expect("usage on this platform");
        assert!(now.resident_bytes > 1 << 20 && now.peak_resident_bytes >= now.resident_bytes, "{now:?}");
        // Eight parked threads plus this one: other tests' threads may come and go, but these
        // nine are there while they wait.
        let (stop, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
        let parked: Vec<_> = (0..8)
            .map(|_| {
                let wait = wait.clone();
                std::thread::spawn(move || wait.lock().map(|w| w.recv().ok()).ok())
            })
            .collect();
        let during = usage().unwrap();
        drop(stop);
        parked.into_iter().for_each(|t| drop(t.join()));
        assert!(during.threads >= 9, "{during:?}");
    }
}
