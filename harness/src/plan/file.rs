//! Fault plans in TOML files (`--plan-file plan.toml`).
//!
//! ```toml
//! # Each string is one rule or timed event in the text form (see `Plan`).
//! rules = ["fetch[3]=error(ConnectionError)", "fetch=2*error(E)->delay(1s)"]
//! events = ["@1500ms shutdown"]
//! # Background tasks of these crates or places are accepted (Builder::allow_background).
//! allow = ["hyper-util", "src/server.rs"]
//!
//! # Or one table per rule; `do` is the action side, chains and modifiers included.
//! [[rule]]
//! point = "db"
//! key = "7"        # optional: fetch[7]
//! hit = 2          # optional: the 2nd hit
//! do = "25%hang"
//! ```
//!
//! Rules apply in file order: `rules` first, then the `[[rule]]` tables. Every string goes
//! through the same parser as `--faults`, so a bad one gets the same column, expectation
//! and hint, plus where in the file it is.

use serde::Deserialize;

use crate::error::Error;
use crate::plan::Plan;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    rule: Vec<Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    point: String,
    key: Option<String>,
    hit: Option<u32>,
    #[serde(rename = "do")]
    action: String,
}

impl Plan {
    /// Parses a plan file's TOML; see the [module docs](crate::Plan) for the text form.
    pub fn from_toml(text: &str) -> Result<Plan, Error> {
        let file: File = toml::from_str(text).map_err(|e| {
            Error::plan_file(format!(
                "invalid plan file: {}\n  hint: a plan file holds rules = [\"fetch[3]=error(E)\"], \
                 events = [\"@1s shutdown\"], allow = [\"hyper-util\"] and [[rule]] tables with \
                 point, key, hit and do",
                e.to_string().trim_end()
            ))
        })?;
        let mut plan = Plan::none();
        let tables = file.rule.iter().map(|t| {
            let mut text = t.point.clone();
            if let Some(key) = &t.key {
                text.push_str(&format!("[{key}]"));
            }
            if let Some(hit) = t.hit {
                text.push_str(&format!("#{hit}"));
            }
            text.push('=');
            text.push_str(&t.action);
            text
        });
        let items = (file.rules.iter().cloned().enumerate())
            .map(|(i, t)| (format!("rules[{i}]"), t))
            .chain(
                file.events
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, t)| (format!("events[{i}]"), t)),
            )
            .chain(
                tables
                    .enumerate()
                    .map(|(i, t)| (format!("[[rule]] #{}", i + 1), t)),
            )
            .chain(
                (file.allow.iter().enumerate())
                    .map(|(i, who)| (format!("allow[{i}]"), format!("allow {who}"))),
            );
        for (place, item) in items {
            if item.contains(';') {
                return Err(Error::plan_file(format!(
                    "invalid plan file: {place} holds a ';'\n  {item}\n  hint: one rule or event per string: \
                     put each in its own string of the array"
                )));
            }
            let one = Plan::parse(&item).map_err(|e| e.within(&place))?;
            plan = plan.and(&one);
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_tables_make_one_plan_in_file_order() {
        let plan = Plan::from_toml(
            r#"
            rules = ["fetch[3]=error(ConnectionError)", "fetch=2*error(E)->delay(1s)"]
            events = ["@1500ms shutdown"]
            [[rule]]
            point = "db"
            key = "7"
            hit = 2
            do = "25%hang"
            "#,
        )
        .unwrap();
        assert_eq!(
            plan.to_string(),
            "fetch[3]=error(ConnectionError); fetch=2*error(E)->delay(1000ms); db[7]#2=25%hang; @1500ms shutdown"
        );
    }

    #[test]
    fn allowed_background_tasks_are_part_of_the_plan() {
        let plan = Plan::from_toml(
            r#"
            rules = ["db=hang"]
            allow = ["hyper-util", "src/server.rs"]
            "#,
        )
        .unwrap();
        assert_eq!(plan.allowed(), ["hyper-util", "src/server.rs"]);
        assert_eq!(
            plan.to_string(),
            "db=hang; allow hyper-util; allow src/server.rs"
        );
        assert_eq!(Plan::parse(&plan.to_string()).unwrap(), plan);
        let err = Plan::from_toml(r#"allow = ["two words"]"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("in allow[0] of the plan file: invalid fault plan at column 7: expected one crate or place after `allow`"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_file_is_the_empty_plan() {
        assert!(Plan::from_toml("").unwrap().is_empty());
    }

    #[test]
    fn a_bad_rule_says_where_in_the_file_and_in_the_rule() {
        let err = Plan::from_toml(r#"rules = ["ok=hang", "fetch=3*eror(E)"]"#).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("in rules[1] of the plan file: invalid fault plan at column 9: expected an action, found 'e'"), "{msg}");
        assert!(msg.contains("hint: actions are"), "{msg}");
    }

    #[test]
    fn bad_toml_and_unknown_keys_are_errors_with_a_hint() {
        let err = Plan::from_toml("rules = [").unwrap_err().to_string();
        assert!(
            err.starts_with("invalid plan file:") && err.contains("hint:"),
            "{err}"
        );
        let err = Plan::from_toml("rulez = []").unwrap_err().to_string();
        assert!(err.contains("rulez"), "{err}");
        let err = Plan::from_toml("[[rule]]\npoint = \"x\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `do`"), "{err}");
        let err = Plan::from_toml(r#"rules = ["a=hang; b=hang"]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("rules[0] holds a ';'"), "{err}");
    }
}
