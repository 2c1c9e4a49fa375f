fn main() {
    let s = scenario_gather::scenario();
    for p in &s.plans {
        let plan = faultline_harness::Plan::parse(p.text).unwrap();
        let reports = s.run_all(Some(p.name), &plan, 7).unwrap();
        for r in &reports {
            println!("{r}");
        }
        println!("{}", faultline_harness::side_by_side(&reports));
    }
}
