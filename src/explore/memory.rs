//! Real memory: what the process holds (resident and virtual), and how much it may hold
//! before a search must stop with its summary rather than die in an allocation failure.

/// Bytes the process holds now.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub resident: u64,
    pub virtual_size: u64,
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions; a failure returns -1.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 { p as u64 } else { 4096 }
}

/// The process's resident and virtual size, from /proc (None where it cannot be read).
pub fn in_use() -> Option<Usage> {
    let text = std::fs::read_to_string("/proc/self/statm").ok()?;
    let mut f = text.split_whitespace().map(|x| x.parse::<u64>().ok());
    let (virt, res) = (f.next()??, f.next()??);
    let page = page_size();
    Some(Usage {
        resident: res * page,
        virtual_size: virt * page,
    })
}

/// `in_use()`, read again only when the last reading is over 5 ms old: the limit checks run
/// between blocks of a few hundred states, and /proc is slower than expanding several of
/// them (a search adds well under a MiB in 5 ms).
pub fn in_use_recent() -> Option<Usage> {
    use std::cell::Cell;
    use std::time::{Duration, Instant};
    thread_local! {
        static LAST: Cell<Option<(Instant, Option<Usage>)>> = const { Cell::new(None) };
    }
    let now = Instant::now();
    if let Some((at, u)) = LAST.get()
        && now.duration_since(at) < Duration::from_millis(5)
    {
        return u;
    }
    let u = in_use();
    LAST.set(Some((now, u)));
    u
}

/// Memory that may still be taken: MemAvailable from /proc/meminfo.
fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib << 10)
}

/// The address-space limit (`ulimit -v`), if one is set.
fn address_space_limit() -> Option<u64> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass; it has no other effect.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut r) } == 0;
    (ok && r.rlim_cur != libc::RLIM_INFINITY).then_some(r.rlim_cur)
}

/// Limits that apply when the user gave none: resident memory up to 90% of what the
/// machine has available now (plus what the process already holds), and virtual size up to
/// 90% of `ulimit -v`. A search that reaches them stops with its summary.
pub fn default_limits() -> (Option<u64>, Option<u64>) {
    let held = in_use().map_or(0, |u| u.resident);
    let resident = available().map(|a| (a + held) / 10 * 9);
    let virt = address_space_limit().map(|l| l / 10 * 9);
    (resident, virt)
}

/// The most resident memory the process has held so far (the kernel's high-water mark).
pub fn peak_resident() -> Option<u64> {
    // SAFETY: getrusage writes into the struct we pass; it has no other effect.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0;
    // ru_maxrss is in KiB on Linux
    (ok && u.ru_maxrss > 0).then_some((u.ru_maxrss as u64) << 10)
}
