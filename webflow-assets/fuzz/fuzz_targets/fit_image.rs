#![no_main]
//! Any bytes as an image to fit. The allocator aborts on an allocation
//! over 256 MiB: with the fit's pixel limit at 1 MP (4 MB of RGBA), nothing
//! an input says may make the process ask for more.

use std::alloc::{GlobalAlloc, Layout, System};

struct Bounded;

const BOUND: usize = 256 << 20;

unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > BOUND {
            // Not a panic: an allocation in a panic handler would recurse.
            std::process::abort();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > BOUND {
            std::process::abort();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Bounded = Bounded;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    webflow_assets::fuzz::fit_image(data);
});
