//! Compliance, scoring and rating over a bloc of 5,000 cells × 12 months
//! (the size of Đảng bộ Khối các cơ quan Trung ương: > 5,000 cells). Run by
//! `scripts/bench-rules`.

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/workload.rs"]
mod workload;

#[cfg(not(target_arch = "wasm32"))]
fn bloc(c: &mut criterion::Criterion) {
    let w = workload::generate(workload::CELLS, workload::MONTHS);
    // The digest lets scripts/bench-rules check the browser gives the same answers.
    println!("RULES_NATIVE_DIGEST={}", workload::run(&w));
    let mut group = c.benchmark_group("rules");
    group.sample_size(10);
    group.bench_function("bloc_5000x12", |b| {
        b.iter(|| workload::run(std::hint::black_box(&w)))
    });
    group.finish();
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, bloc);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
