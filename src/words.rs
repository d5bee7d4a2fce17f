//! Counts in words: "1 cell", "2 cells" — one rule, so no message says "1 cells".

/// `n` and `noun`, the noun in the plural unless `n` is 1: `count(3, "cell")` is
/// "3 cells". For nouns whose plural is not `noun` + "s", use [`count_of`].
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// [`count`] with the plural given.
pub fn count_of(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "cell"), "1 cell");
        assert_eq!(count(0, "cell"), "0 cells");
        assert_eq!(count(608, "cell"), "608 cells");
        assert_eq!(count_of(2, "approval", "approvals"), "2 approvals");
        assert_eq!(count_of(1, "entry", "entries"), "1 entry");
    }
}
