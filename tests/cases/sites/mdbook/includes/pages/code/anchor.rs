fn main() {
    println!("anchor down");
}
