//! How deep a parser goes on any input, one facility for every parser of the workspace. A
//! source file is hostile input: eleven thousand nested brackets overflowed the Python reader's
//! stack and killed the run. Parsers of bracketed languages match their brackets with
//! [`Brackets`], which refuses a file nesting deeper than [`MAX_NESTING`] with where it does
//! ([`TooDeep`], reported as an unreadable file at that line); every pair it returns nests
//! within the limit, so recursion that follows the pairs is bounded too. Recursion that is not
//! driven by brackets (`do … end` blocks, nested templates) counts its levels with [`Depth`].

use std::cell::Cell;
use std::fmt;

/// Brackets deeper than this are not a person's code: CPython itself refuses more than 200
/// nested parentheses ("too many nested parentheses", its tokenizer's `MAXLEVEL`), and no
/// hand-written JavaScript, Go, Java, C# or Ruby comes near it.
pub const MAX_NESTING: usize = 200;

/// A file that nests deeper than [`MAX_NESTING`], at the bracket (or level) that went too deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for TooDeep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "brackets nest more than {MAX_NESTING} deep (line {}, column {}), which is generated or hostile code, not a setup; skipped",
            self.line, self.column
        )
    }
}

/// An opening or closing bracket of some kind: `(`, `[`, `{`, or a language's own (a
/// JavaScript template literal's `` ` `` … `` ` ``).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bracket {
    Open(char),
    Close(char),
}

/// For each bracket of a list of tokens, the index of its partner: parsers jump over a group
/// in one step instead of counting through it, which keeps every scan linear.
#[derive(Debug, Clone, Default)]
pub struct Brackets {
    closing: Vec<Option<usize>>,
    opening: Vec<Option<usize>>,
}

impl Brackets {
    /// Matches the brackets of `tokens`: each item is a token's bracket, if it is one, and its
    /// 1-based line and column. A closing bracket pairs with the nearest unclosed opening one of
    /// its kind, and the unclosed ones above it stay unpaired (`( [ )` pairs the parentheses);
    /// one with no opening bracket of its kind pairs with nothing. Linear in the tokens, however
    /// they are mismatched.
    pub fn match_up(
        tokens: impl ExactSizeIterator<Item = (Option<Bracket>, u32, u32)>,
    ) -> Result<Brackets, TooDeep> {
        let mut brackets = Brackets {
            closing: vec![None; tokens.len()],
            opening: vec![None; tokens.len()],
        };
        // The unclosed opening brackets, outermost first, and for each kind the indices into
        // `open` of its own, so that a closing bracket finds its partner without a search.
        let mut open: Vec<(usize, char)> = Vec::new();
        let mut by_kind: Vec<(char, Vec<usize>)> = Vec::new();
        for (index, (bracket, line, column)) in tokens.enumerate() {
            match bracket {
                Some(Bracket::Open(kind)) => {
                    if open.len() == MAX_NESTING {
                        return Err(TooDeep { line, column });
                    }
                    open.push((index, kind));
                    match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, positions)) => positions.push(open.len() - 1),
                        None => by_kind.push((kind, vec![open.len() - 1])),
                    }
                }
                Some(Bracket::Close(kind)) => {
                    let Some(&position) = by_kind
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .and_then(|(_, positions)| positions.last())
                    else {
                        continue;
                    };
                    let partner = open[position].0;
                    brackets.closing[partner] = Some(index);
                    brackets.opening[index] = Some(partner);
                    // The brackets opened after the partner are the latest of their kinds.
                    while open.len() > position {
                        if let Some((_, kind)) = open.pop()
                            && let Some((_, positions)) =
                                by_kind.iter_mut().find(|(k, _)| *k == kind)
                        {
                            positions.pop();
                        }
                    }
                }
                None => {}
            }
        }
        Ok(brackets)
    }

    /// The closing partner of the opening bracket at `index` (`None` for any other token).
    pub fn closing(&self, index: usize) -> Option<usize> {
        self.closing.get(index).copied().flatten()
    }

    /// The opening partner of the closing bracket at `index` (`None` for any other token).
    pub fn opening(&self, index: usize) -> Option<usize> {
        self.opening.get(index).copied().flatten()
    }
}

/// How deep a recursive reader is, for recursion that brackets do not bound (or that a reader
/// bounds more tightly than [`MAX_NESTING`]): [`Depth::enter`] before going one level down, and
/// the level is left when its guard is dropped, on every path out.
#[derive(Debug)]
pub struct Depth {
    limit: usize,
    depth: Cell<usize>,
}

/// One level of a [`Depth`], left when dropped.
#[derive(Debug)]
pub struct Level<'a>(&'a Cell<usize>);

impl Depth {
    pub const fn new(limit: usize) -> Self {
        Depth {
            limit,
            depth: Cell::new(0),
        }
    }

    /// One level deeper, or `None` when that would pass the limit.
    pub fn enter(&self) -> Option<Level<'_>> {
        let depth = self.depth.get();
        if depth >= self.limit {
            return None;
        }
        self.depth.set(depth + 1);
        Some(Level(&self.depth))
    }
}

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn match_up(text: &str) -> Result<Brackets, TooDeep> {
        let tokens: Vec<(Option<Bracket>, u32, u32)> = text
            .chars()
            .enumerate()
            .map(|(index, c)| {
                let bracket = match c {
                    '(' | '[' | '{' => Some(Bracket::Open(c)),
                    ')' => Some(Bracket::Close('(')),
                    ']' => Some(Bracket::Close('[')),
                    '}' => Some(Bracket::Close('{')),
                    _ => None,
                };
                (bracket, 1, index as u32 + 1)
            })
            .collect();
        Brackets::match_up(tokens.into_iter())
    }

    #[test]
    fn pairs_nest_and_mismatches_pair_with_the_nearest_of_their_kind() {
        let brackets = match_up("(a[b]{)}").unwrap();
        assert_eq!(brackets.closing(0), Some(6));
        assert_eq!(brackets.opening(6), Some(0));
        assert_eq!(brackets.closing(2), Some(4));
        // `{` was left open by the `)` that closed around it; the last `}` has no partner.
        assert_eq!(brackets.closing(5), None);
        assert_eq!(brackets.opening(7), None);
        assert_eq!(brackets.closing(1), None);
        let unmatched = match_up("]x(").unwrap();
        assert_eq!((unmatched.opening(0), unmatched.closing(2)), (None, None));
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_happens() {
        let at_limit = "(".repeat(MAX_NESTING) + &")".repeat(MAX_NESTING);
        assert!(match_up(&at_limit).is_ok());
        let deeper = format!("x{}", "[".repeat(100_000));
        assert_eq!(
            match_up(&deeper).unwrap_err(),
            TooDeep {
                line: 1,
                column: MAX_NESTING as u32 + 2
            }
        );
        // Closing brackets keep the depth down however many groups a file has.
        assert!(match_up(&"(()[]{})".repeat(100_000)).is_ok());
    }

    #[test]
    fn mismatched_brackets_are_matched_in_linear_time() {
        // Each `]` would search the whole stack of `(` if matching searched.
        let text = "[(((((((]".repeat(50_000);
        let brackets = match_up(&text).unwrap();
        assert_eq!(brackets.closing(0), Some(8));
    }

    #[test]
    fn depth_levels_are_left_when_dropped() {
        let depth = Depth::new(2);
        let first = depth.enter().unwrap();
        {
            let _second = depth.enter().unwrap();
            assert!(depth.enter().is_none());
        }
        assert!(depth.enter().is_some());
        drop(first);
        let _again = (depth.enter().unwrap(), depth.enter().unwrap());
    }
}
