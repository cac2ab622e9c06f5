fn main() {
    println!("sockeye");
}
