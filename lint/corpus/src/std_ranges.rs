//! Clean: `..` in the standard library's range methods.
pub fn tidy(buffer: &mut Vec<u8>, text: &mut String, items: &mut Vec<u32>) -> Vec<u8> {
    let taken: Vec<u8> = buffer.drain(..).collect();
    text.replace_range(.., "reset");
    items.splice(.., [1, 2, 3]);
    let _first = items.get(..1);
    taken
}
