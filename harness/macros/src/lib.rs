//! `#[faultline_harness::test]`: an async test run under faultline, the way `#[tokio::test]`
//! runs one under tokio. Use it through `faultline-harness`, which re-exports it.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::{ItemFn, LitInt, LitStr, parse_macro_input};

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
/// `allow = "hyper-util, src/server.rs"` accepts background tasks of those crates or places
/// (`Builder::allow_background`). Other attributes (`#[should_panic]`, `#[ignore]`) are kept. The body may return a
/// `Result`; an `Err` fails the test.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut plan: Option<LitStr> = None;
    let mut seed: Option<LitInt> = None;
    let mut allow: Option<LitStr> = None;
    let options = syn::meta::parser(|meta| {
        if meta.path.is_ident("plan") {
            plan = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("seed") {
            seed = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("allow") {
            allow = Some(meta.value()?.parse()?);
            Ok(())
        } else {
            Err(meta.error(
                "unknown option: #[faultline_harness::test] takes `plan = \"...\"`, `seed = N` \
                 and `allow = \"crate-or-place, ...\"`",
            ))
        }
    });
    parse_macro_input!(args with options);
    let test = parse_macro_input!(item as ItemFn);
    expand(test, plan, seed, allow).unwrap_or_else(|e| e.to_compile_error().into())
}

fn expand(
    test: ItemFn,
    plan: Option<LitStr>,
    seed: Option<LitInt>,
    allow: Option<LitStr>,
) -> syn::Result<TokenStream> {
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
    let plan = plan.unwrap_or_else(|| LitStr::new("none", Span::call_site()));
    let seed = seed.map_or_else(|| quote!(0), |seed| quote!(#seed));
    let allow = allow.unwrap_or_else(|| LitStr::new("", Span::call_site()));
    // The test's own `async fn` goes inside the generated `#[test]` fn, under the same name,
    // so its return type (and `?` in its body) stays as written.
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
                },
                #plan,
                #seed,
                #name,
            )
        }
    }
    .into())
}
