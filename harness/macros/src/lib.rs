//! `#[faultline_harness::test]`: an async test run under faultline, the way `#[tokio::test]`
//! runs one under tokio. Use it through `faultline-harness`, which re-exports it.

use proc_macro::TokenStream;
use proc_macro2::{Delimiter, Group, Span, TokenStream as TokenStream2, TokenTree};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::{ItemFn, LitBool, LitInt, LitStr, parse_macro_input};

/// Runs an `async fn` test under faultline: on a paused clock seeded with `seed` (default 0),
/// with the fault plan `plan` (default none), and fails the test if the body failed or
/// panicked, or the report has a bad verdict — a swallowed error or panic, a task that
/// outlived its parent, stalled, was dropped at shutdown, went untracked or blocked the
/// executor, a leaked connection or a partial write. The failure message lists them and
/// prints the whole report.
///
/// ```ignore
/// #[faultline_harness::test(plan = "fetch=error(ConnectionError)", seed = 7)]
/// async fn every_fetch_error_is_handled() {
///     // spawn with faultline_harness::spawn, mark fault points with point("fetch")
/// }
/// ```
///
/// Options:
/// - `plan = "..."`, `seed = N`: the fault plan and the scheduler's seed.
/// - `allow = "hyper-util, src/server.rs"` accepts background tasks of those crates or places
///   (`Builder::allow_background`).
/// - `deadline = "2h"` (`ms`, `s`, `m`, `h`, or a sum such as `"1h30m"`): the virtual time
///   after which whatever is still pending is stalled (default 1 h).
/// - `idle_grace = "100ms"` (the same units): the wall time the runtime may sit idle, with
///   nothing inside the run that could wake a task, before the deadline comes (default 1 s:
///   a wait on a `std::thread` that ends within it is not a stall; `Builder::idle_grace`).
/// - What `#[tokio::test]` takes, so that replacing its name is enough:
///   `flavor = "current_thread"` and `flavor = "local"` (faultline always runs the body on
///   one thread, on a local runtime: both are what it does anyway), `start_paused = true`
///   (its clock is always paused), `crate = "..."` (ignored). `flavor = "multi_thread"`,
///   `worker_threads` and `start_paused = false` are refused with the reason: a paused,
///   seeded clock needs one thread that it alone drives.
///
/// The clock is paused from the start: the first `tokio::time::pause()` written in the body
/// (the older idiom) is dropped, since tokio's would panic "time is already frozen"; a later
/// one is tokio's (it pauses again after a `resume()`); one called from elsewhere still
/// panics, and the failure says to delete it.
///
/// The body is built and run on the run's thread, as under `#[tokio::test]`'s current-thread
/// runtime: it need not be `Send`, and it may `tokio::task::spawn_local`. Other attributes
/// (`#[should_panic]`, `#[ignore]`) are kept. The body may return a `Result` (also
/// `Result<(), Box<dyn Error>>`); an `Err` fails the test.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| options.parse(&meta));
    parse_macro_input!(args with parser);
    let test = parse_macro_input!(item as ItemFn);
    expand(test, options).unwrap_or_else(|e| e.to_compile_error().into())
}

/// The attribute's options, as written.
#[derive(Default)]
struct Options {
    plan: Option<LitStr>,
    seed: Option<LitInt>,
    allow: Option<LitStr>,
    /// In ms.
    deadline: Option<u64>,
    /// In ms.
    idle_grace: Option<u64>,
}

const KNOWN: &str = "#[faultline_harness::test] takes `plan = \"...\"`, `seed = N`, \
                     `allow = \"crate-or-place, ...\"`, `deadline = \"2h\"` and \
                     `idle_grace = \"100ms\"` (and tokio's \
                     `flavor = \"current_thread\"`, `start_paused = true`)";

const ONE_THREAD: &str = "faultline runs the test on one thread: its clock is paused and seeded, \
                          and only a single-threaded runtime can advance such a clock \
                          deterministically (one thread decides when every task waits, so \
                          the same seed gives the same run)";

impl Options {
    fn parse(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("plan") {
            self.plan = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("seed") {
            self.seed = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("allow") {
            self.allow = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("deadline") {
            let text: LitStr = meta.value()?.parse()?;
            let ms = parse_duration_ms("deadline", &text.value())
                .map_err(|why| syn::Error::new_spanned(&text, why))?;
            self.deadline = Some(ms);
        } else if meta.path.is_ident("idle_grace") {
            let text: LitStr = meta.value()?.parse()?;
            let ms = parse_duration_ms("idle_grace", &text.value())
                .map_err(|why| syn::Error::new_spanned(&text, why))?;
            self.idle_grace = Some(ms);
        } else if meta.path.is_ident("flavor") {
            let flavor: LitStr = meta.value()?.parse()?;
            match flavor.value().as_str() {
                "current_thread" | "local" => {}
                "multi_thread" => {
                    return Err(syn::Error::new_spanned(
                        &flavor,
                        format!(
                            "`flavor = \"multi_thread\"` cannot be honoured: {ONE_THREAD}; \
                             remove it (tasks still run concurrently, interleaved at every .await)"
                        ),
                    ));
                }
                other => {
                    return Err(syn::Error::new_spanned(
                        &flavor,
                        format!(
                            "unknown flavor `{other}`: tokio's are \"current_thread\", \"local\" \
                             and \"multi_thread\", and faultline runs the first two"
                        ),
                    ));
                }
            }
        } else if meta.path.is_ident("worker_threads") {
            let _: LitInt = meta.value()?.parse()?;
            return Err(meta.error(format!(
                "`worker_threads` cannot be honoured: {ONE_THREAD}; remove it"
            )));
        } else if meta.path.is_ident("start_paused") {
            let paused: LitBool = meta.value()?.parse()?;
            if !paused.value {
                return Err(syn::Error::new_spanned(
                    &paused,
                    "faultline's clock is always paused (it jumps ahead whenever every task \
                     waits on a timer): remove `start_paused = false`",
                ));
            }
        } else if meta.path.is_ident("crate") {
            let _: LitStr = meta.value()?.parse()?;
        } else {
            return Err(meta.error(format!("unknown option: {KNOWN}")));
        }
        Ok(())
    }
}

/// `"2h"`, `"90s"`, `"1500ms"`, `"1h30m"`: a duration in ms, more than zero (for the
/// option named `option`, which an error names).
fn parse_duration_ms(option: &str, text: &str) -> Result<u64, String> {
    let bad = |why: &str| {
        format!(
            "bad {option} {text:?}: {why}; write it as \"2h\", \"90s\", \"1500ms\" or \"1h30m\""
        )
    };
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad("expected a number"));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| bad("number too large"))?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let scale = match &rest[..unit] {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "" => return Err(bad("a number needs a unit (ms, s, m or h)")),
            other => return Err(bad(&format!("unknown unit `{other}`"))),
        };
        rest = &rest[unit..];
        total = number
            .checked_mul(scale)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(|| bad("too large"))?;
    }
    if total == 0 {
        return Err(bad("it must be more than zero"));
    }
    Ok(total)
}

fn expand(test: ItemFn, options: Options) -> syn::Result<TokenStream> {
    let sig = &test.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            sig.fn_token,
            "#[faultline_harness::test] runs an `async fn`: add `async`",
        ));
    }
    if !sig.inputs.is_empty() || !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.inputs,
            "a test takes no arguments and no generic parameters",
        ));
    }
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = test;
    let name = &sig.ident;
    // `line!()` spanned at the function's first and last tokens: the lines a panic of the
    // test's own is raised on.
    let first = quote::quote_spanned!(sig.fn_token.span=> ::core::line!());
    let last = quote::quote_spanned!(block.brace_token.span.close()=> ::core::line!());
    let block = rewrite_pause(quote!(#block));
    let Options {
        plan,
        seed,
        allow,
        deadline,
        idle_grace,
    } = options;
    let plan = plan.unwrap_or_else(|| LitStr::new("none", Span::call_site()));
    let seed = seed.map_or_else(|| quote!(0), |seed| quote!(#seed));
    let allow = allow.unwrap_or_else(|| LitStr::new("", Span::call_site()));
    let in_ms = |ms: Option<u64>| {
        ms.map_or_else(
            || quote!(::core::option::Option::None),
            |ms| quote!(::core::option::Option::Some(::core::time::Duration::from_millis(#ms))),
        )
    };
    let (deadline, idle_grace) = (in_ms(deadline), in_ms(idle_grace));
    // The test's own `async fn` goes inside the generated `#[test]` fn, under the same name,
    // so its return type (and `?` in its body) stays as written. The harness calls it on the
    // run's thread: its future need not be `Send`.
    Ok(quote! {
        #(#attrs)*
        #[::core::prelude::v1::test]
        #vis fn #name() {
            #sig #block
            ::faultline_harness::run_test(
                ::faultline_harness::TestPlace {
                    path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
                    package: ::core::env!("CARGO_PKG_NAME"),
                    // Set by cargo only when building an integration test (or a bench).
                    integration: ::core::option_env!("CARGO_TARGET_TMPDIR").is_some(),
                    allow: #allow,
                    deadline: #deadline,
                    idle_grace: #idle_grace,
                    file: ::core::file!(),
                    lines: (#first, #last),
                },
                #plan,
                #seed,
                #name,
            )
        }
    }
    .into())
}

/// `tokio::time::pause()` (or `time::pause()`) written in the body becomes a call that does
/// nothing inside a run, whose clock is paused from the start: tokio's `pause()` would panic
/// there ("time is already frozen"), and it is the common first line of older tests. What
/// the test asked for, a paused clock, is what it has. A call made elsewhere (a helper
/// function) still panics; the failure then names the line to delete.
fn rewrite_pause(tokens: TokenStream2) -> TokenStream2 {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(call) = pause_call_at(&tokens, i)
            && let Some(drop) = tokio_prefix(&out)
        {
            out.truncate(out.len() - drop);
            let span = tokens[i].span();
            out.extend(quote::quote_spanned!(span=> ::faultline_harness::__pause_in_test()));
            i += call;
            continue;
        }
        match &tokens[i] {
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), rewrite_pause(g.stream()));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The length of `time :: pause ()` at `at` (5 tokens: `::` is two), if it is there.
fn pause_call_at(tokens: &[TokenTree], at: usize) -> Option<usize> {
    let t = tokens.get(at..at + 5)?;
    let empty_parens = matches!(&t[4], TokenTree::Group(g)
        if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty());
    (is_ident(&t[0], "time") && is_path_sep(&t[1..3]) && is_ident(&t[3], "pause") && empty_parens)
        .then_some(5)
}

fn is_ident(token: &TokenTree, name: &str) -> bool {
    matches!(token, TokenTree::Ident(i) if i == name)
}

fn is_path_sep(tokens: &[TokenTree]) -> bool {
    matches!(tokens, [TokenTree::Punct(a), TokenTree::Punct(b), ..]
        if a.as_char() == ':' && b.as_char() == ':')
}

/// How many tokens before `time::pause()` are its `tokio::` (`::tokio::`: 5, `tokio::`: 3,
/// none: 0); `None` when `time` is another path's (`my::time::pause()`).
fn tokio_prefix(before: &[TokenTree]) -> Option<usize> {
    let n = before.len();
    let path_sep_at = |end: usize| end >= 2 && is_path_sep(&before[end - 2..end]);
    if !path_sep_at(n) {
        return Some(0);
    }
    if n < 3 || !is_ident(&before[n - 3], "tokio") {
        return None;
    }
    if !path_sep_at(n - 3) {
        return Some(3);
    }
    // `::tokio::`, unless it continues a path (`a::tokio::time`).
    let continued = n >= 6 && matches!(before[n - 6], TokenTree::Ident(_));
    (!continued).then_some(5)
}

#[cfg(test)]
mod tests {
    // `#[test]` would name this crate's own attribute: the standard one is spelled out.
    use super::*;
    use syn::parse::Parser;

    /// The options as the attribute would read them, or the error it would give.
    fn options(args: &str) -> Result<Options, String> {
        let mut options = Options::default();
        let parser = syn::meta::parser(|meta| options.parse(&meta));
        parser
            .parse_str(args)
            .map_err(|e| e.to_string())
            .map(|()| options)
    }

    #[::core::prelude::v1::test]
    fn tokio_s_own_arguments_are_accepted() {
        for args in [
            "flavor = \"current_thread\"",
            "flavor = \"local\"",
            "start_paused = true",
            "flavor = \"current_thread\", start_paused = true",
            "crate = \"tokio\"",
        ] {
            let o = options(args).unwrap_or_else(|e| panic!("{args}: {e}"));
            assert!(o.plan.is_none() && o.seed.is_none() && o.deadline.is_none());
        }
    }

    #[::core::prelude::v1::test]
    fn what_one_thread_cannot_honour_is_refused_with_the_reason() {
        for args in [
            "flavor = \"multi_thread\"",
            "flavor = \"multi_thread\", worker_threads = 2",
            "worker_threads = 4",
        ] {
            let err = options(args)
                .err()
                .unwrap_or_else(|| panic!("{args} accepted"));
            assert!(
                err.contains("one thread") && err.contains("paused"),
                "{err}"
            );
        }
        let err = options("start_paused = false").err().unwrap();
        assert!(err.contains("always paused"), "{err}");
        let err = options("flavor = \"threaded\"").err().unwrap();
        assert!(err.contains("unknown flavor `threaded`"), "{err}");
        let err = options("timeout = 3").err().unwrap();
        assert!(
            err.contains("unknown option") && err.contains("deadline"),
            "{err}"
        );
    }

    #[::core::prelude::v1::test]
    fn a_pause_call_in_the_body_becomes_the_harness_s() {
        let rewritten = |code: &str| rewrite_pause(code.parse().unwrap()).to_string();
        let ours = rewritten("::faultline_harness::__pause_in_test()");
        for code in [
            "tokio::time::pause()",
            "::tokio::time::pause()",
            "time::pause()",
        ] {
            assert_eq!(rewritten(code), ours, "{code}");
        }
        assert_eq!(
            rewritten("{ let x = 1; async { tokio::time::pause(); } }"),
            rewritten("{ let x = 1; async { ::faultline_harness::__pause_in_test(); } }")
        );
        // Not a call of tokio's `pause()`: left alone.
        for code in [
            "pause()",
            "my::time::pause()",
            "a::tokio::time::pause()",
            "time::pause(1)",
            "time::pause",
            "tokio::time::advance(d)",
        ] {
            assert_eq!(
                rewritten(code),
                code.parse::<TokenStream2>().unwrap().to_string()
            );
        }
    }

    #[::core::prelude::v1::test]
    fn a_deadline_reads_as_ms() {
        let ms = |args: &str| options(args).unwrap().deadline;
        assert_eq!(ms("deadline = \"2h\""), Some(7_200_000));
        assert_eq!(ms("deadline = \"90s\""), Some(90_000));
        assert_eq!(ms("deadline = \"1500ms\""), Some(1_500));
        assert_eq!(ms("deadline = \"1h30m\""), Some(5_400_000));
        assert_eq!(ms("deadline = \"3m\", seed = 2"), Some(180_000));
        for bad in [
            "\"\"",
            "\"2\"",
            "\"h\"",
            "\"2 days\"",
            "\"0s\"",
            "\"99999999999999999h\"",
        ] {
            let err = options(&format!("deadline = {bad}")).err().unwrap();
            assert!(err.starts_with("bad deadline"), "{bad}: {err}");
        }
    }

    #[::core::prelude::v1::test]
    fn an_idle_grace_reads_as_ms() {
        let ms = |args: &str| options(args).unwrap().idle_grace;
        assert_eq!(ms("idle_grace = \"100ms\""), Some(100));
        assert_eq!(ms("idle_grace = \"2s\", deadline = \"1h\""), Some(2_000));
        assert_eq!(ms("seed = 1"), None);
        let err = options("idle_grace = \"0ms\"").err().unwrap();
        assert!(err.starts_with("bad idle_grace"), "{err}");
    }
}
