// Allocates through Rust's standard containers from named functions, for the allocation-wrapper
// test: Vec growth, Vec::with_capacity, vec![0; n] (calloc), Box::new (also over-aligned, which
// the System allocator serves with posix_memalign), String growth, a HashMap, format!, Rc, Arc,
// to_vec and str::repeat. Allocated through: the System allocator (malloc is jemalloc, linked
// with -l dylib=jemalloc); with --cfg jemalloc_global, a #[global_allocator] calling jemalloc's
// malloc; with --cfg rjem (built by cargo), one on jemalloc-sys's _rjem_ entry points.
//
// usage: alloc_fixture DUMP   (MALLOC_CONF=prof:true,...; _RJEM_MALLOC_CONF with --cfg rjem;
// writes DUMP while everything is live)
// Builds with rustc 1.63 (Debian) and later; no crates but jemalloc-sys under --cfg rjem.
use std::collections::HashMap;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};

// Built by cargo with jemalloc-sys (Debian's librust-jemalloc-sys-dev) and --cfg rjem: a global
// allocator on jemalloc's prefixed entry points (_rjem_mallocx, ...), as tikv-jemallocator's.
#[cfg(rjem)]
mod rjem {
    use std::alloc::{GlobalAlloc, Layout};
    use std::os::raw::c_int;
    pub struct Jemalloc;
    // MALLOCX_ALIGN(a) is log2(a); MALLOCX_ZERO is 0x40.
    fn flags(layout: &Layout) -> c_int {
        if layout.align() <= 16 {
            0
        } else {
            layout.align().trailing_zeros() as c_int
        }
    }
    unsafe impl GlobalAlloc for Jemalloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            jemalloc_sys::mallocx(layout.size(), flags(&layout)) as *mut u8
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            jemalloc_sys::mallocx(layout.size(), flags(&layout) | 0x40) as *mut u8
        }
        unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
            jemalloc_sys::rallocx(p as *mut _, size, flags(&layout)) as *mut u8
        }
        unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
            jemalloc_sys::sdallocx(p as *mut _, layout.size(), flags(&layout))
        }
    }
    #[global_allocator]
    static GLOBAL: Jemalloc = Jemalloc;
}

extern "C" {
    #[cfg_attr(rjem, link_name = "_rjem_mallctl")]
    fn mallctl(name: *const c_char, oldp: *mut c_void, oldlenp: *mut usize, newp: *mut c_void, newlen: usize)
        -> c_int;
}

#[cfg(jemalloc_global)]
mod je {
    use std::alloc::{GlobalAlloc, Layout};
    extern "C" {
        fn malloc(size: usize) -> *mut u8;
        fn calloc(n: usize, size: usize) -> *mut u8;
        fn realloc(p: *mut u8, size: usize) -> *mut u8;
        fn posix_memalign(p: *mut *mut u8, align: usize, size: usize) -> i32;
        fn free(p: *mut u8);
    }
    pub struct JeMalloc;
    unsafe impl GlobalAlloc for JeMalloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if layout.align() <= 16 {
                return malloc(layout.size());
            }
            let mut p = std::ptr::null_mut();
            if posix_memalign(&mut p, layout.align(), layout.size()) == 0 { p } else { std::ptr::null_mut() }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            calloc(1, layout.size())
        }
        unsafe fn realloc(&self, p: *mut u8, _layout: Layout, size: usize) -> *mut u8 {
            realloc(p, size)
        }
        unsafe fn dealloc(&self, p: *mut u8, _layout: Layout) {
            free(p)
        }
    }
    #[global_allocator]
    static GLOBAL: JeMalloc = JeMalloc;
}

// Keeps the optimizer from dropping allocations nothing reads.
#[inline(never)]
fn keep_alive<T>(x: &T) {
    unsafe { std::ptr::read_volatile(&(x as *const T as usize)) };
}

#[inline(never)]
fn grow_vec(n: usize) -> Vec<u64> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(i as u64);
    }
    v
}

#[inline(never)]
fn boxed_block() -> Box<[u8; 4096]> {
    Box::new([7u8; 4096])
}

#[repr(align(4096))]
pub struct Page(pub [u8; 4096]);

#[inline(never)]
fn aligned_page() -> Box<Page> {
    Box::new(Page([1u8; 4096]))
}

#[inline(never)]
fn build_string(n: usize) -> String {
    let mut s = String::new();
    for _ in 0..n {
        s.push_str("memprof");
    }
    s
}

#[inline(never)]
fn zeroed_vec(n: usize) -> Vec<u8> {
    vec![0u8; n]
}

#[inline(never)]
fn fill_map(n: u64) -> HashMap<u64, u64> {
    let mut m = HashMap::new();
    for i in 0..n {
        m.insert(i, i);
    }
    m
}

#[inline(never)]
fn describe(i: usize) -> String {
    format!("row {} of {}", i, "memprof")
}

#[inline(never)]
fn shared_copies(data: &[u8]) -> (std::rc::Rc<Vec<u8>>, std::sync::Arc<Vec<u8>>, String) {
    (std::rc::Rc::new(data.to_vec()), std::sync::Arc::new(data.to_vec()), "x".repeat(data.len()).to_owned())
}

pub mod store {
    pub struct Table {
        pub rows: Vec<Vec<u32>>,
    }
    impl Table {
        #[inline(never)]
        pub fn insert_row(&mut self, width: usize) {
            self.rows.push((0..width as u32).collect());
        }
    }
}

fn main() {
    let dump = std::env::args().nth(1).expect("usage: alloc_fixture DUMP");
    let mut vecs = Vec::new();
    let mut blocks = Vec::new();
    let mut pages = Vec::new();
    let mut strings = Vec::new();
    let mut zeroed = Vec::new();
    let mut maps = Vec::new();
    let mut texts = Vec::new();
    let mut shared = Vec::new();
    for _ in 0..50 {
        vecs.push(grow_vec(10_000));
        blocks.push(boxed_block());
        pages.push(aligned_page());
        strings.push(build_string(2_000));
        zeroed.push(zeroed_vec(100_000));
        maps.push(fill_map(1000));
        texts.push(describe(1000));
        shared.push(shared_copies(&[3u8; 1000]));
    }
    let mut table = store::Table { rows: Vec::new() };
    for _ in 0..200 {
        table.insert_row(1000);
    }
    keep_alive(&vecs);
    keep_alive(&blocks);
    keep_alive(&pages);
    keep_alive(&strings);
    keep_alive(&zeroed);
    keep_alive(&maps);
    keep_alive(&texts);
    keep_alive(&shared);
    keep_alive(&table);
    let path = CString::new(dump).unwrap();
    let mut ptr = path.as_ptr();
    let rc = unsafe {
        mallctl(
            b"prof.dump\0".as_ptr() as *const c_char,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut ptr as *mut *const c_char as *mut c_void,
            std::mem::size_of::<*const c_char>(),
        )
    };
    assert_eq!(rc, 0, "mallctl(prof.dump) failed: is jemalloc with prof:true in use?");
}
