//! Column widths that never lie: each column is as wide as its content on screen (and its
//! header); when the screen is too narrow, columns are dropped in a stated order, then
//! text columns are cut — with `…`, so a cut address never reads as another valid one —
//! and numbers are never cut at all.

/// What a column needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Widest content (header included).
    pub natural: usize,
    /// Text that may be cut with `…` down to `min`; numbers have `min == natural`.
    pub min: usize,
    /// Dropped when space runs out: lower ranks go first; None = always kept.
    pub drop_rank: Option<u8>,
    /// Takes the width left over (at most one column, the last one in practice).
    pub fill: bool,
}

impl Need {
    pub fn number(natural: usize) -> Need {
        Need {
            natural,
            min: natural,
            drop_rank: None,
            fill: false,
        }
    }

    pub fn text(natural: usize, min: usize) -> Need {
        Need {
            natural,
            min: min.min(natural),
            drop_rank: None,
            fill: false,
        }
    }

    pub fn droppable(mut self, rank: u8) -> Need {
        self.drop_rank = Some(rank);
        self
    }

    pub fn filling(mut self) -> Need {
        self.fill = true;
        self
    }
}

/// Widths for `needs` in `total` columns with `gap` between columns; None = dropped. The
/// fill column keeps at least `fill_min` while anything can still be dropped or cut.
pub fn widths(needs: &[Need], total: usize, gap: usize, fill_min: usize) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = needs.iter().map(|n| Some(n.natural)).collect();
    let fill = needs.iter().position(|n| n.fill);
    let used = |out: &[Option<usize>]| -> usize {
        let shown: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != fill)
            .filter_map(|(_, w)| *w)
            .collect();
        let cols = out.iter().filter(|w| w.is_some()).count();
        shown.iter().sum::<usize>() + gap * cols.saturating_sub(1)
    };
    let room = total.saturating_sub(if fill.is_some() { fill_min } else { 0 });
    // 1. Drop columns by rank while the rest does not fit.
    let mut ranks: Vec<(u8, usize)> = needs
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.drop_rank.map(|r| (r, i)))
        .collect();
    ranks.sort();
    for (_, i) in ranks {
        if used(&out) <= room {
            break;
        }
        out[i] = None;
    }
    // 2. Cut text columns, widest first, one column at a time, down to their minimum.
    while used(&out) > room {
        let widest = out
            .iter()
            .enumerate()
            .filter(|(i, w)| Some(*i) != fill && w.is_some_and(|w| w > needs[*i].min))
            .max_by_key(|(_, w)| w.unwrap_or(0))
            .map(|(i, _)| i);
        let Some(i) = widest else { break };
        if let Some(w) = out[i].as_mut() {
            *w -= 1;
        }
    }
    // 3. The fill column gets what is left (possibly less than its minimum).
    // `used` already counts the gap before the fill column.
    if let Some(f) = fill {
        out[f] = Some(total.saturating_sub(used(&out)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_whole_when_there_is_room() {
        let w = widths(
            &[
                Need::number(3),
                Need::text(15, 6),
                Need::text(0, 0).filling(),
            ],
            80,
            1,
            40,
        );
        assert_eq!(w, [Some(3), Some(15), Some(60)]);
    }

    #[test]
    fn drops_by_rank_then_cuts_text_never_numbers() {
        let needs = [
            Need::number(8),
            Need::number(9).droppable(2),
            Need::text(40, 8),
            Need::text(40, 8),
            Need::number(5).droppable(1),
            Need::text(10, 0).filling(),
        ];
        let w = widths(&needs, 80, 1, 40);
        assert_eq!(w[0], Some(8), "a number is never cut");
        assert_eq!((w[1], w[4]), (None, None), "Len then Time dropped");
        assert!(w[2].unwrap() < 40 && w[3].unwrap() < 40);
        assert!(w[5].unwrap() >= 40, "Info keeps half: {w:?}");
        let sum: usize = w.iter().flatten().sum::<usize>() + 3;
        assert_eq!(sum, 80);
    }
}
