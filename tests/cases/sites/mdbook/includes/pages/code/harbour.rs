// ANCHOR: all
fn tide() -> u32 { 2 }
// ANCHOR: mooring
fn moor(rope: u32) -> u32 { rope * tide() }
// ANCHOR_END: mooring
fn main() { println!("{}", moor(3)); }
// ANCHOR_END: all
