//! In-process MD5 throughput by buffer size (divan). The comparison with
//! coreutils `md5sum` on a 256 MiB file is in benches/compare.sh.

use divan::counter::BytesCount;

const LEN: usize = 64 * 1024 * 1024;

fn main() {
    divan::main();
}

fn data() -> Vec<u8> {
    (0..LEN)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

#[divan::bench(args = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024], sample_count = 10)]
fn hash_read(bencher: divan::Bencher, buffer: usize) {
    let data = data();
    bencher.counter(BytesCount::new(LEN)).bench(|| {
        webflow_assets::hash_read_with_buffer(std::io::Cursor::new(&data), buffer).unwrap()
    });
}
