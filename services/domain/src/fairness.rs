//! Fairness of legevakt plans: FTE-weighted targets, and a running balance carried from one plan
//! to the next (issue 3 "Fairness"; research.md §3.5 [I]). What a shift earns is the plan's rule:
//! points per real hour by category, raised in weekends and on public holidays
//! (`allmenn_legevakt::plan::FairnessRates`), a local policy every district sets.
//!
//! Sign convention: a positive balance means a doctor has done more than the fair share so far,
//! a negative balance less.

/// Splits `total_points` in proportion to participation shares (FTE-weighted duty).
///
/// Shares that are negative or not finite count as zero. When no share is positive, or the total
/// is not finite, every target is zero. The targets sum to `total_points` otherwise.
pub fn fair_targets(total_points: f64, shares: &[f64]) -> Vec<f64> {
    let shares: Vec<f64> = shares.iter().copied().map(usable_share).collect();
    let share_sum: f64 = shares.iter().sum();
    if share_sum <= 0.0 || !total_points.is_finite() {
        return vec![0.0; shares.len()];
    }
    shares.iter().map(|share| total_points * share / share_sum).collect()
}

/// One doctor's participation share and running balance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FairnessAccount {
    /// Participation share, e.g. 1.0 for full duty and 0.5 for half.
    pub share: f64,
    /// Points done beyond (positive) or short of (negative) the fair share in earlier plans.
    pub balance: f64,
}

/// Targets for a new plan that also even out earlier balances.
///
/// Each doctor's target is the fair share of `total_points` plus the fair share of everyone's
/// balances, minus the doctor's own balance: the targets still sum to `total_points`, and a
/// doctor who did too much earlier is asked for less now. No target is negative: a doctor whose
/// target would be negative gets zero and the rest is shared among the others in the same way.
/// Doctors with no usable share get zero, and every target is zero when the total is not positive
/// and finite. Non-finite balances count as zero.
pub fn carry_over_targets(total_points: f64, accounts: &[FairnessAccount]) -> Vec<f64> {
    let mut targets = vec![0.0; accounts.len()];
    if !total_points.is_finite() || total_points <= 0.0 {
        return targets;
    }
    let mut active: Vec<bool> = accounts.iter().map(|account| usable_share(account.share) > 0.0).collect();
    // Each round removes at least one doctor or finishes, so it ends after at most n rounds.
    loop {
        let share_sum: f64 = accounts
            .iter()
            .zip(&active)
            .filter(|(_, is_active)| **is_active)
            .map(|(account, _)| usable_share(account.share))
            .sum();
        if share_sum <= 0.0 {
            return vec![0.0; accounts.len()];
        }
        let balance_sum: f64 = accounts
            .iter()
            .zip(&active)
            .filter(|(_, is_active)| **is_active)
            .map(|(account, _)| usable_balance(account.balance))
            .sum();
        let mut removed_any = false;
        for (index, account) in accounts.iter().enumerate() {
            if !active[index] {
                targets[index] = 0.0;
                continue;
            }
            let proportion = usable_share(account.share) / share_sum;
            let target = (total_points + balance_sum) * proportion - usable_balance(account.balance);
            if target < 0.0 {
                active[index] = false;
                targets[index] = 0.0;
                removed_any = true;
            } else {
                targets[index] = target;
            }
        }
        if !removed_any {
            return targets;
        }
    }
}

/// The running balance after a plan: the previous balance plus what was done beyond the target.
pub fn updated_balance(previous_balance: f64, earned_points: f64, target_points: f64) -> f64 {
    previous_balance + earned_points - target_points
}

fn usable_share(share: f64) -> f64 {
    if share.is_finite() && share > 0.0 { share } else { 0.0 }
}

fn usable_balance(balance: f64) -> f64 {
    if balance.is_finite() { balance } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn close(left: f64, right: f64) -> bool {
        (left - right).abs() < 1e-9 * (1.0 + left.abs().max(right.abs()))
    }

    #[test]
    fn targets_follow_the_shares() {
        assert_eq!(fair_targets(30.0, &[1.0, 0.5, 1.5]), vec![10.0, 5.0, 15.0]);
        assert_eq!(fair_targets(30.0, &[1.0, -1.0, f64::NAN]), vec![30.0, 0.0, 0.0]);
        assert_eq!(fair_targets(30.0, &[0.0, 0.0]), vec![0.0, 0.0]);
        assert!(fair_targets(30.0, &[]).is_empty());
    }

    #[test]
    fn balances_carry_over_into_the_next_targets() {
        // Two equal doctors; the first did 4 points too many last time.
        let accounts =
            [FairnessAccount { share: 1.0, balance: 4.0 }, FairnessAccount { share: 1.0, balance: -4.0 }];
        assert_eq!(carry_over_targets(20.0, &accounts), vec![6.0, 14.0]);
        // A balance larger than the whole plan: the target stops at zero.
        let lopsided = [
            FairnessAccount { share: 1.0, balance: 30.0 },
            FairnessAccount { share: 1.0, balance: 0.0 },
            FairnessAccount { share: 1.0, balance: 0.0 },
        ];
        assert_eq!(carry_over_targets(12.0, &lopsided), vec![0.0, 6.0, 6.0]);
        assert_eq!(updated_balance(4.0, 7.0, 6.0), 5.0);
        assert_eq!(updated_balance(-4.0, 14.0, 14.0), -4.0);
    }

    proptest! {
        #[test]
        fn targets_sum_to_the_total_and_keep_proportions(
            total in 0.0_f64..1000.0,
            shares in proptest::collection::vec(0.0_f64..2.0, 1..12),
        ) {
            let targets = fair_targets(total, &shares);
            prop_assert_eq!(targets.len(), shares.len());
            let share_sum: f64 = shares.iter().sum();
            if share_sum > 0.0 {
                prop_assert!(close(targets.iter().sum::<f64>(), total));
                for (target, share) in targets.iter().zip(&shares) {
                    prop_assert!(close(*target, total * share / share_sum));
                }
            }
        }

        #[test]
        fn carried_targets_are_non_negative_and_sum_to_the_total(
            total in 1.0_f64..1000.0,
            accounts in proptest::collection::vec((0.1_f64..2.0, -50.0_f64..50.0), 1..12),
        ) {
            let accounts: Vec<FairnessAccount> = accounts
                .into_iter()
                .map(|(share, balance)| FairnessAccount { share, balance })
                .collect();
            let targets = carry_over_targets(total, &accounts);
            prop_assert_eq!(targets.len(), accounts.len());
            prop_assert!(targets.iter().all(|target| *target >= 0.0));
            prop_assert!(close(targets.iter().sum::<f64>(), total));
            // A doctor ahead of another with the same share never gets a larger target.
            for left in 0..accounts.len() {
                for right in 0..accounts.len() {
                    if accounts[left].share == accounts[right].share
                        && accounts[left].balance >= accounts[right].balance
                    {
                        prop_assert!(targets[left] <= targets[right] + 1e-9);
                    }
                }
            }
        }

        #[test]
        fn with_zero_balances_carry_over_is_the_fair_share(
            total in 1.0_f64..1000.0,
            shares in proptest::collection::vec(0.1_f64..2.0, 1..12),
        ) {
            let accounts: Vec<FairnessAccount> = shares
                .iter()
                .map(|share| FairnessAccount { share: *share, balance: 0.0 })
                .collect();
            let carried = carry_over_targets(total, &accounts);
            let fair = fair_targets(total, &shares);
            for (left, right) in carried.iter().zip(&fair) {
                prop_assert!(close(*left, *right));
            }
        }
    }
}
