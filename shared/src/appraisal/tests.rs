use super::*;
use crate::access::CellSeat;
use crate::ids::AccountId;
use crate::member::CellRole;

fn full(points: [u32; 6]) -> Answers {
    let keys = [
        "politics",
        "ethics",
        "discipline",
        "work_style",
        "duties",
        COMMITMENTS_KEY,
    ];
    Answers {
        scores: keys
            .iter()
            .zip(points)
            .map(|(k, p)| ((*k).to_string(), Points::whole(p)))
            .collect(),
        tasks: TaskCounts {
            total: 10,
            late: 0,
            exceeded: 4,
        },
        ..Answers::default()
    }
}

fn fields(ev: &Evaluation) -> Vec<&str> {
    ev.errors.0.iter().map(|e| e.field.as_str()).collect()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_level_follows_the_answers_and_the_triggers() {
    let rules = RuleSet::national_default();
    let a = full([15, 15, 10, 10, 36, 9]); // 95, 40% exceeded
    let ev = evaluate(&rules, &a, Completeness::Complete);
    assert!(ev.is_valid(), "{:?}", ev.errors);
    assert_eq!(ev.total, Points::whole(95));
    assert_eq!(ev.rating.level, Level::Excellent);
    // Disciplined in the year: not complete whatever the points.
    let mut d = a.clone();
    d.triggers.push(Trigger::DisciplinedInYear);
    let ev = evaluate(&rules, &d, Completeness::Complete);
    assert_eq!(ev.rating.level, Level::NotComplete);
    assert!(ev.rating.reasons[1].contains("bị kỷ luật trong năm"));
    // A criterion under half its points is rated poor.
    let poor = full([15, 7, 10, 10, 36, 9]);
    let ev = evaluate(&rules, &poor, Completeness::Complete);
    assert_eq!(ev.rating.triggers, vec![Trigger::CriterionPoor]);
    assert_eq!(ev.rating.level, Level::NotComplete);
    // Under half the targets: computed.
    let mut t = a.clone();
    t.targets = Some(TargetCounts { total: 10, met: 4 });
    let ev = evaluate(&rules, &t, Completeness::Complete);
    assert_eq!(ev.rating.triggers, vec![Trigger::TargetsBelowHalf]);
    // One late task: complete at best.
    let mut late = a.clone();
    late.tasks.late = 1;
    assert_eq!(
        evaluate(&rules, &late, Completeness::Complete).rating.level,
        Level::Complete
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn errors_are_at_their_fields() {
    let rules = RuleSet::national_default();
    let mut a = full([16, 15, 10, 10, 36, 9]);
    a.scores.insert("unknown".into(), Points::whole(1));
    a.scores.remove("ethics");
    a.tasks = TaskCounts {
        total: 3,
        late: 4,
        exceeded: 5,
    };
    a.targets = Some(TargetCounts { total: 2, met: 3 });
    a.triggers = vec![Trigger::CriterionPoor];
    let ev = evaluate(&rules, &a, Completeness::Complete);
    let f = fields(&ev);
    for want in [
        "scores.unknown",
        "scores.politics",
        "scores.ethics",
        "tasks.late",
        "tasks.exceeded",
        "targets.met",
        "triggers",
    ] {
        assert!(f.contains(&want), "{want} missing from {f:?}");
    }
    assert_eq!(
        ev.error("scores.politics"),
        Some("“Tư tưởng chính trị” tối đa 15 điểm.")
    );
    // A draft may leave criteria empty.
    let mut draft = full([15, 15, 10, 10, 36, 9]);
    draft.scores.remove("duties");
    assert!(evaluate(&rules, &draft, Completeness::Draft).is_valid());
    assert_eq!(
        fields(&evaluate(&rules, &draft, Completeness::Complete)),
        ["scores.duties"]
    );
    // A total over 100 when the form is broken.
    let mut broken = rules.clone();
    broken.member_form.value.criteria[0].max = Points::whole(30);
    let ev = evaluate(
        &broken,
        &full([30, 15, 10, 10, 36, 9]),
        Completeness::Complete,
    );
    assert_eq!(fields(&ev), ["total"]);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_trigger_contradicts_a_better_level() {
    let rules = RuleSet::national_default();
    let mut a = full([15, 15, 10, 10, 30, 8]); // 88: good
    a.level = Some(Level::Good);
    assert!(evaluate(&rules, &a, Completeness::Complete).is_valid());
    a.triggers.push(Trigger::ProhibitionBreach);
    let ev = evaluate(&rules, &a, Completeness::Complete);
    assert_eq!(
        ev.error("level"),
        Some(
            "Không thể xếp “Hoàn thành tốt nhiệm vụ”: vi phạm những điều đảng viên không được làm buộc xếp “Không hoàn thành nhiệm vụ”."
        )
    );
    a.level = Some(Level::NotComplete);
    assert!(evaluate(&rules, &a, Completeness::Complete).is_valid());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_appraisal_proposes_within_its_answers_and_votes_for_excellent() {
    let rules = RuleSet::national_default();
    let mut ap = Appraisal {
        answers: full([15, 15, 10, 10, 36, 9]),
        comment: "Gương mẫu.".into(),
        vote: None,
        proposed: Level::Excellent,
    };
    let err = check_appraisal(&rules, &ap).unwrap_err();
    assert_eq!(err.0[0].field, "vote");
    ap.vote = Some(CellVote {
        in_favour: 5,
        against: 5,
        of: 10,
    });
    assert_eq!(
        check_appraisal(&rules, &ap).unwrap_err().0[0].field,
        "vote.for"
    );
    ap.vote = Some(CellVote {
        in_favour: 8,
        against: 3,
        of: 10,
    });
    assert_eq!(
        check_appraisal(&rules, &ap).unwrap_err().0[0].field,
        "vote.for"
    );
    ap.vote = Some(CellVote {
        in_favour: 8,
        against: 1,
        of: 10,
    });
    assert!(check_appraisal(&rules, &ap).is_ok());
    ap.answers.tasks.late = 1;
    let err = check_appraisal(&rules, &ap).unwrap_err();
    assert_eq!(err.0[0].field, "proposed");
    ap.proposed = Level::Complete;
    ap.vote = None;
    assert!(check_appraisal(&rules, &ap).is_ok());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_decision_over_the_quota_is_refused_with_the_numbers() {
    let rules = RuleSet::national_default();
    let ap = Appraisal {
        answers: full([15, 15, 10, 10, 36, 9]),
        comment: String::new(),
        vote: Some(CellVote {
            in_favour: 9,
            against: 0,
            of: 9,
        }),
        proposed: Level::Excellent,
    };
    let excellent = Decision {
        level: Level::Excellent,
        note: String::new(),
    };
    // 8 good + 1 excellent decided: a second makes 2 of 10 → within.
    let mut others = vec![Level::Good; 8];
    others.push(Level::Excellent);
    assert_eq!(
        check_decision(&rules, Some(&ap), &others, &excellent),
        Ok(())
    );
    // 7 good + 2 excellent: a third makes 3 of 10, max 2.
    let mut others = vec![Level::Good; 7];
    others.extend([Level::Excellent, Level::Excellent]);
    let err = check_decision(&rules, Some(&ap), &others, &excellent).unwrap_err();
    assert_eq!(
        err,
        DecisionError::QuotaExceeded {
            excellent: 3,
            max: 2,
            base: 10,
            share: "không quá 20%".into()
        }
    );
    assert!(
        err.to_string()
            .contains("sẽ có 3 đảng viên xuất sắc, tối đa 2")
    );
    // Good is never refused by the quota; a level better than the appraisal is.
    let good = Decision {
        level: Level::Good,
        note: String::new(),
    };
    assert_eq!(check_decision(&rules, Some(&ap), &others, &good), Ok(()));
    let mut late = ap.clone();
    late.answers.tasks.late = 1;
    assert_eq!(
        check_decision(&rules, Some(&late), &[], &good),
        Err(DecisionError::AboveAppraisal {
            level: Level::Good,
            allowed: Level::Complete
        })
    );
    assert_eq!(
        check_decision(&rules, None, &[], &good),
        Err(DecisionError::NotProposed)
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn stages_lock_and_reopen() {
    let open = PeriodState::Open;
    let s = Stage::default();
    assert_eq!(
        may_edit_self(PeriodState::NotOpened, s),
        Err(StageError::NotOpen)
    );
    assert_eq!(may_edit_self(open, s), Ok(()));
    let submitted = Stage {
        submitted: true,
        ..s
    };
    assert_eq!(may_edit_self(open, submitted), Err(StageError::Submitted));
    assert_eq!(may_change_proposal(open, submitted), Ok(()));
    let decided = Stage {
        submitted: true,
        proposed: true,
        decided: true,
        reopened: false,
    };
    assert_eq!(may_edit_self(open, decided), Err(StageError::Decided));
    assert_eq!(may_change_proposal(open, decided), Err(StageError::Decided));
    let reopened = Stage {
        reopened: true,
        submitted: false,
        ..decided
    };
    assert_eq!(may_edit_self(open, reopened), Ok(()));
    let resubmitted = Stage {
        submitted: true,
        ..reopened
    };
    assert_eq!(may_edit_self(open, resubmitted), Err(StageError::Submitted));
    assert_eq!(may_change_proposal(open, reopened), Ok(()));
    assert_eq!(
        may_change_decision(open, submitted),
        Err(DecisionError::NotProposed)
    );
    assert_eq!(may_change_decision(open, reopened), Ok(()));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn who_may_do_what() {
    const BLOC: OrgId = OrgId(1);
    const GRASS: OrgId = OrgId(2);
    const CELL: OrgId = OrgId(3);
    const OTHER: OrgId = OrgId(4);
    let path = [BLOC, GRASS, CELL];
    let other = [BLOC, GRASS, OTHER];
    let actor = |role: Option<CellRole>, committee_of: Vec<OrgId>| Actor {
        account_id: AccountId(9),
        is_admin: false,
        seat: role.map(|role| CellSeat {
            cell_id: CELL,
            member_id: MemberId(7),
            role,
        }),
        committee_of,
        assigned_cells: vec![],
    };
    let member = actor(Some(CellRole::Member), vec![]);
    let secretary = actor(Some(CellRole::Secretary), vec![]);
    let committee = actor(Some(CellRole::CommitteeMember), vec![]);
    let grass = actor(None, vec![GRASS]);
    let bloc = actor(None, vec![BLOC]);
    assert!(may_self_assess(&member, MemberId(7), &path));
    assert!(!may_self_assess(&member, MemberId(8), &path));
    assert!(!may_self_assess(&member, MemberId(7), &other));
    assert!(!may_open(&member, &path) && may_open(&secretary, &path));
    assert!(!may_open(&committee, &path));
    assert!(may_propose(&committee, &path) && may_propose(&secretary, &path));
    assert!(!may_propose(&member, &path) && !may_propose(&secretary, &other));
    assert!(!may_propose(&grass, &path));
    assert!(may_decide(&grass, &path) && may_decide(&grass, &other));
    assert!(!may_decide(&secretary, &path) && !may_decide(&bloc, &path));
    assert!(sees_cell(&bloc, &path) && !sees_cell(&member, &path));
    assert!(!sees_cell(&secretary, &other));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_quota_group_is_the_grassroots_organization() {
    use OrgKind::*;
    let (b, g, c) = (OrgId(1), OrgId(2), OrgId(3));
    assert_eq!(
        grassroots_of(&[(b, PartyCommittee), (g, GrassrootsCommittee), (c, Cell)]),
        Some(g)
    );
    // A chi bộ cơ sở under the party committee is its own group.
    assert_eq!(grassroots_of(&[(b, PartyCommittee), (c, Cell)]), Some(c));
    assert_eq!(grassroots_of(&[(c, Cell)]), None);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_aim_is_above_ninety_percent() {
    use Level::*;
    let mut ten = vec![Good; 9];
    ten.push(NotComplete);
    assert!(!meets_aim(&rating::shares(ten.clone()))); // exactly 90%
    ten.push(Complete);
    assert!(meets_aim(&rating::shares(ten)));
    assert!(!meets_aim(&rating::shares([])));
    let g = quota_of(
        &RuleSet::national_default(),
        [Good, Good, Good, Good, Excellent],
    );
    assert_eq!((g.excellent, g.base, g.max), (1, 5, 1));
    assert_eq!(
        g.label_vi(),
        "1 xuất sắc / tối đa 1 (không quá 20% của 5 hoàn thành tốt trở lên)"
    );
}
