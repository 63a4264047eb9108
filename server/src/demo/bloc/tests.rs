//! The demo bloc: its shape and what it generates.

use super::*;

fn today() -> NaiveDate {
    day(2026, 11, 22)
}

#[test]
fn the_full_bloc_has_seed_002s_shape() {
    let cells = cells_per_grassroots(BlocSize::FULL);
    assert_eq!(cells.len(), 1000);
    assert_eq!(cells.iter().sum::<usize>(), 5000);
    assert!(cells.iter().all(|n| *n >= 2));
    // Uneven: some large organizations, many small ones.
    let largest = cells.iter().max().copied().unwrap_or(0);
    assert!((20..=120).contains(&largest), "{largest}");
    let small = cells.iter().filter(|n| **n <= 3).count();
    let large = cells.iter().filter(|n| **n >= 10).count();
    assert!(small > 150 && large > 30, "{small} small, {large} large");
    // About 78,000 members, cells of 3 to 40.
    let mut rng = Rng::new(7);
    let sizes: Vec<usize> = (0..5000).map(|_| cell_size(&mut rng)).collect();
    let total: usize = sizes.iter().sum();
    assert!((74_000..=82_000).contains(&total), "{total}");
    assert!(sizes.iter().all(|n| (3..=40).contains(n)));
    assert!(sizes.contains(&3) && sizes.contains(&40));
}

#[test]
fn sizes_add_up_even_when_small() {
    for (g, c) in [(1, 1), (1, 5), (4, 14), (3, 3), (10, 25)] {
        let cells = cells_per_grassroots(BlocSize {
            grassroots: g,
            cells: c,
        });
        assert_eq!(cells.len(), g);
        assert_eq!(cells.iter().sum::<usize>(), c, "{g} {c}");
    }
}

#[test]
fn generated_members_are_valid() {
    let mut rng = Rng::new(9);
    let mut statuses = std::collections::HashMap::new();
    for n in 0..3000 {
        let size = cell_size(&mut rng);
        for pos in 0..size.min(12) {
            let m = member(&mut rng, n * 40 + pos, pos, size, today());
            assert_eq!(m.problems(today()), vec![], "{m:?}");
            *statuses.entry(m.status).or_insert(0) += 1;
            assert_eq!(pos == 0, m.role == CellRole::Secretary);
        }
    }
    assert!(statuses[&PartyStatus::Probationary] > 100);
    assert!(statuses[&PartyStatus::Exempted] > 20);
}

#[test]
fn the_year_touches_calendar_quarters() {
    let q = quarters(day(2026, 11, 1));
    assert_eq!(q.len(), 5);
    assert_eq!(q[0], (day(2025, 10, 1), day(2025, 11, 1), day(2026, 1, 1)));
    assert_eq!(q[4], (day(2026, 10, 1), day(2026, 10, 1), day(2026, 11, 1)));
    assert_eq!(quarters(day(2027, 1, 1)).len(), 4);
}

#[test]
fn the_seed_fixes_the_sequence() {
    let a: Vec<u64> = {
        let mut r = Rng::new(42);
        (0..5).map(|_| r.next()).collect()
    };
    let mut r = Rng::new(42);
    assert_eq!(a, (0..5).map(|_| r.next()).collect::<Vec<_>>());
    assert_ne!(a, {
        let mut r = Rng::new(43);
        (0..5).map(|_| r.next()).collect::<Vec<_>>()
    });
    let mut r = Rng::new(1);
    for _ in 0..1000 {
        let x = r.range(3, 6);
        assert!((3..=6).contains(&x));
        assert!((0.0..1.0).contains(&r.unit()));
    }
}
