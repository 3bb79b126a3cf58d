use std::collections::HashMap;

use super::*;

fn namesake_options(customers: usize) -> SynthOptions {
    SynthOptions {
        customers,
        population: Population::Namesakes,
        ..SynthOptions::default()
    }
}

/// The people of the namesake population, as the generator makes them.
fn namesake_people(options: &SynthOptions) -> Vec<Person> {
    let mut rng = Rng(SplitMix(options.seed ^ 0x1234_5678_9abc_def0));
    namesakes::people(options, &mut rng, &mut Used::default()).0
}

#[test]
fn same_seed_same_data() {
    for population in [Population::Default, Population::Namesakes] {
        let o = SynthOptions {
            customers: 200,
            population,
            ..SynthOptions::default()
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a.dataset, b.dataset);
        assert_eq!(a.truth, b.truth);
        let c = generate(&SynthOptions { seed: 43, ..o });
        assert_ne!(a.dataset, c.dataset);
        assert!(a.dataset.len() > 200);
        assert_eq!(a.dataset.sources, vec!["crm", "pos", "web", "billing"]);
        assert_eq!(a.truth.len(), a.dataset.len());
    }
}

#[test]
fn the_populations_differ_and_the_default_ignores_the_namesake_share() {
    let o = SynthOptions {
        customers: 300,
        ..SynthOptions::default()
    };
    let default = generate(&o);
    let other_share = generate(&SynthOptions {
        namesake_share: 0.5,
        ..o.clone()
    });
    assert_eq!(default.dataset, other_share.dataset);
    assert_ne!(default.dataset, generate(&namesake_options(300)).dataset);
}

#[test]
fn many_people_share_a_full_name_a_birth_year_and_a_town() {
    let people = namesake_people(&namesake_options(10_000));
    let mut by_name: HashMap<(&str, &str), usize> = HashMap::new();
    let mut by_name_year_town: HashMap<(&str, &str, u16, &str), usize> = HashMap::new();
    for p in &people {
        *by_name.entry((&p.given, &p.surname)).or_default() += 1;
        *by_name_year_town
            .entry((&p.given, &p.surname, p.dob.0, &p.city))
            .or_default() += 1;
    }
    let commonest = by_name.values().max().copied().unwrap_or(0);
    let sharing_name: usize = by_name.values().filter(|&&n| n > 1).sum();
    let sharing_year_town: usize = by_name_year_town.values().filter(|&&n| n > 1).sum();
    // Zipf-like names: the commonest full name is held by several people
    // (hundreds at a million records), a good share of people have a
    // namesake, and some share the birth year and town too.
    assert!(commonest >= 8, "commonest full name: {commonest}");
    assert!(sharing_name * 10 >= people.len(), "{sharing_name}");
    assert!(
        sharing_year_town * 50 >= people.len(),
        "{sharing_year_town}"
    );
    // The default population of that size has far fewer.
    let o = SynthOptions {
        customers: 10_000,
        ..SynthOptions::default()
    };
    let mut rng = Rng(SplitMix(o.seed ^ 0x1234_5678_9abc_def0));
    let default = customers::people(&o, &mut rng, &mut Used::default());
    let mut default_ytn: HashMap<(&str, &str, u16, &str), usize> = HashMap::new();
    for p in &default {
        *default_ytn
            .entry((&p.given, &p.surname, p.dob.0, &p.city))
            .or_default() += 1;
    }
    let default_sharing: usize = default_ytn.values().filter(|&&n| n > 1).sum();
    assert!(
        sharing_year_town > 5 * default_sharing.max(1),
        "{sharing_year_town} {default_sharing}"
    );
}

#[test]
fn fathers_and_sons_share_an_address_and_the_suffix_is_on_some_records() {
    let options = namesake_options(10_000);
    let people = namesake_people(&options);
    let address = |p: &Person| (p.number, p.street, p.zip.clone());
    let with = |suffix: &str| -> Vec<usize> {
        (0..people.len())
            .filter(|&i| people[i].generation.is_some_and(|(s, _)| s == suffix))
            .collect()
    };
    let (sons, fathers) = (with("Jr"), with("Sr"));
    assert!(sons.len() >= 50, "{} sons", sons.len());
    // Every son has a father of his name at his address, born earlier.
    for &s in &sons {
        let son = &people[s];
        assert!(
            fathers.iter().any(|&f| {
                let father = &people[f];
                father.given == son.given
                    && father.surname == son.surname
                    && address(father) == address(son)
                    && father.dob.0 < son.dob.0
            }),
            "son {s} has no father"
        );
    }
    // Twins: one family name, address and birth date, two given names.
    let twins = (1..people.len()).any(|i| {
        (0..i).any(|j| {
            let (a, b) = (&people[i], &people[j]);
            a.surname == b.surname
                && address(a) == address(b)
                && a.dob == b.dob
                && a.given != b.given
        })
    });
    assert!(twins);

    // In the records: `Jr` on some of a son's records only, and a son's
    // records often without birth date.
    let data = generate(&options);
    let son_ids: std::collections::HashSet<String> =
        sons.iter().map(|s| format!("E{s:07}")).collect();
    let (mut son_records, mut with_jr, mut without_dob) = (0, 0, 0);
    let mut sons_with_and_without = std::collections::HashSet::new();
    let mut shown: HashMap<&str, (bool, bool)> = HashMap::new();
    for (r, (_, _, e)) in data.dataset.records.iter().zip(&data.truth) {
        if !son_ids.contains(e) {
            continue;
        }
        son_records += 1;
        let name = format!(
            "{} {}",
            r.get(FieldKind::GivenName).unwrap_or(""),
            r.get(FieldKind::Surname).unwrap_or("")
        );
        let jr = name.to_lowercase().contains("jr");
        with_jr += usize::from(jr);
        without_dob += usize::from(r.get(FieldKind::DateOfBirth).is_none());
        let seen = shown.entry(e).or_default();
        if jr {
            seen.0 = true;
        } else {
            seen.1 = true;
        }
        if seen.0 && seen.1 {
            sons_with_and_without.insert(e.clone());
        }
    }
    let share = |n: usize| n as f64 / son_records as f64;
    assert!(
        (0.3..0.6).contains(&share(with_jr)),
        "{with_jr}/{son_records}"
    );
    assert!(share(without_dob) > 0.5, "{without_dob}/{son_records}");
    assert!(sons_with_and_without.len() >= 10);
}
