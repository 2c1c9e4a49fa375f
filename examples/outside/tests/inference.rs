//! Adding faultline-harness as a dev-dependency changes nothing in the user's own code: no
//! crate with blanket comparison impls joins their tests' type inference. serde_json's
//! `impl PartialEq<serde_json::Value> for u32` (and its kin) made the `assert_eq!` below
//! ambiguous (E0282/E0283) when the harness depended on serde_json unconditionally; the
//! harness now has it only behind its `json` feature. This file failing to compile is the
//! failure.

#[test]
fn an_empty_vec_literal_still_infers_its_type() {
    let v: Vec<u32> = Vec::new();
    assert_eq!(v, vec![]);
}

#[faultline_harness::test]
async fn and_inside_a_faultline_test_too() {
    let v: Vec<u32> = tokio::task::spawn(async { Vec::new() }).await.unwrap();
    assert_eq!(v, vec![]);
}
