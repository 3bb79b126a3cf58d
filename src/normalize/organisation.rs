//! Organisation names (`ACME Inc.`, `Koninklijke Philips N.V.`, `Smith &
//! Sons Ltd`) reduced to the words that tell one organisation from another.
//!
//! [`normalize_organisation`] folds the text (accents, case, punctuation),
//! drops apostrophes inside words (`Morton's` = `Mortons`), joins spelled-out
//! letters of a legal form (`N. V.`, `L.L.C.`, `S.p.A.`), removes legal forms
//! at the end of the name (`Inc`, `GmbH`, `Co. KG`) and strong ones anywhere
//! but first, connectors (`&`, `+`, `and`, `und`, `et`) and articles
//! (`the`, `of`, `de`, `der`), and writes common abbreviations in one
//! way (`intl` = `international`, `ctr` = `centre` = `center`). A person's
//! name passes through unchanged but for folding. [`acronym`] gives the
//! initials of the remaining words (`International Business Machines` ->
//! `ibm`). The dataset-level key of the rarest words is in
//! [`super::org_key`].

use super::text::fold;

/// Legal forms recognised when they stand at the end of the name, also
/// after joining single letters (`n v` -> `nv`). Some are words as well
/// (`co`, `company`), so they are removed only where a legal form stands.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "cos",
    "company",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "kgaa",
    "ohg",
    "ev",
    "bv",
    "nv",
    "cv",
    "vof",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "plc",
    "llp",
    "lp",
    "pty",
    "pte",
    "pvt",
    "ab",
    "oy",
    "oyj",
    "as",
    "asa",
    "aps",
    "sl",
    "bhd",
    "sdn",
    "kk",
];

/// Legal forms that are also ordinary words (`spa`, `as`): removed only
/// when the name spelled them as separate letters (`S.p.A.`, `A/S`).
const WORD_LIKE: &[&str] = &["spa", "as", "sl"];

/// Legal forms that are never ordinary words in a name: removed wherever
/// they stand but first (`Acme Inc. Holdings`).
const STRONG: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "ltd",
    "gmbh",
    "plc",
    "llp",
    "sarl",
    "bv",
    "nv",
];

/// Connectors and articles, which do not tell organisations apart.
const STOP_WORDS: &[&str] = &[
    "and", "und", "et", "the", "of", "de", "der", "die", "das", "des", "du", "la", "le", "les",
    "del", "di", "het", "for",
];

/// Abbreviations written out, one spelling per word.
fn standard(word: &str) -> &str {
    match word {
        "intl" | "internat" | "internatl" => "international",
        "mfg" | "manufacturing" => "manufacturing",
        "assn" | "assoc" | "association" => "association",
        "ctr" | "cntr" | "center" | "centre" => "center",
        "dept" | "department" => "department",
        "univ" | "university" => "university",
        "tech" | "technology" | "technologies" => "technology",
        "bros" | "brothers" => "brothers",
        "mgmt" | "management" => "management",
        "svc" | "service" => "service",
        "svcs" | "services" => "services",
        "natl" | "national" => "national",
        "inst" | "institute" => "institute",
        "hosp" | "hospital" => "hospital",
        "grp" | "group" => "group",
        "lab" | "labs" | "laboratory" | "laboratories" => "laboratory",
        "fdn" | "foundation" => "foundation",
        "soc" | "society" => "society",
        "inds" | "industries" => "industries",
        other => other,
    }
}

/// The normalized organisation name, or `None` when nothing is left.
///
/// ```
/// use linkage::normalize::organisation::normalize_organisation;
/// assert_eq!(normalize_organisation("ACME, Inc.").as_deref(), Some("acme"));
/// assert_eq!(
///     normalize_organisation("Koninklijke Philips Electronics N. V.").as_deref(),
///     Some("koninklijke philips electronics")
/// );
/// assert_eq!(normalize_organisation("Costco").as_deref(), Some("costco"));
/// ```
pub fn normalize_organisation(raw: &str) -> Option<String> {
    // `Morton's` is one word, `AT&T` two letters joined by a connector.
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ'))
        .collect();
    let folded = fold(&cleaned);
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() {
        return None;
    }
    let (mut words, spelled) = join_spelled_letters(&tokens);
    strip_legal_forms(&mut words, &spelled);
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| standard(w).to_string())
        .collect();
    let out = if kept.is_empty() {
        // `The Company`: nothing telling is left; keep the words read,
        // articles aside.
        let plain: Vec<&str> = tokens
            .iter()
            .copied()
            .filter(|t| !STOP_WORDS.contains(t))
            .collect();
        if plain.is_empty() {
            tokens.join(" ")
        } else {
            plain.join(" ")
        }
    } else {
        kept.join(" ")
    };
    (!out.is_empty()).then_some(out)
}

/// Runs of single letters that spell a legal form (`n v`, `l l c`,
/// `s p a`) joined into one word; the second vector marks joined words.
fn join_spelled_letters(tokens: &[&str]) -> (Vec<String>, Vec<bool>) {
    let mut words = Vec::with_capacity(tokens.len());
    let mut spelled = Vec::with_capacity(tokens.len());
    let single = |t: &str| t.chars().count() == 1 && t.chars().all(char::is_alphabetic);
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        while j < tokens.len() && single(tokens[j]) {
            j += 1;
        }
        // Only letters at the end, or before another legal form, spell one
        // (`Heineken N V`, `B V & Co`; not `A S Smith`).
        let at_end = j == tokens.len() || LEGAL_FORMS.contains(&tokens[j]);
        if j - i >= 2 && at_end {
            // The longest tail of the run that spells a legal form.
            let run = &tokens[i..j];
            let tail =
                (0..run.len() - 1).find(|&s| LEGAL_FORMS.contains(&run[s..].concat().as_str()));
            let split = tail.unwrap_or(run.len());
            for t in &run[..split] {
                words.push((*t).to_string());
                spelled.push(false);
            }
            if split < run.len() {
                words.push(run[split..].concat());
                spelled.push(true);
            }
            i = j;
        } else {
            words.push(tokens[i].to_string());
            spelled.push(false);
            i += 1;
        }
    }
    (words, spelled)
}

/// Removes the legal forms at the end (`Acme Holding Co. KG` -> `acme
/// holding`) and strong ones elsewhere but first; the first word always
/// stays (`Limited Brands`, `Co-op Bank`).
fn strip_legal_forms(words: &mut Vec<String>, spelled: &[bool]) {
    let mut spelled = spelled.to_vec();
    let mut end = words.len();
    while end > 1 {
        let w = words[end - 1].as_str();
        // A legal form that is also a word (`Day Spa`) counts only when
        // the name spelled it in letters (`S.p.A.`).
        let legal = LEGAL_FORMS.contains(&w) && (!WORD_LIKE.contains(&w) || spelled[end - 1]);
        if !legal {
            break;
        }
        end -= 1;
    }
    words.truncate(end);
    spelled.truncate(end);
    // `Acme Inc. Holdings`: a strong legal form inside the name.
    let mut i = 1;
    while i < words.len() {
        if STRONG.contains(&words[i].as_str()) {
            words.remove(i);
        } else {
            i += 1;
        }
    }
    while words.len() > 1 && STOP_WORDS.contains(&words[words.len() - 1].as_str()) {
        words.pop();
    }
}

/// Initials of a normalized name's words, when it has at least two
/// (`international business machines` -> `ibm`); digits keep their whole
/// word (`3 m` is not an acronym but `minnesota mining manufacturing` is `mmm`).
pub fn acronym(normalized: &str) -> Option<String> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return None;
    }
    let mut out = String::with_capacity(words.len());
    for w in words {
        out.push(w.chars().next()?);
    }
    Some(out)
}

/// The name written as one short word, when it may be an acronym: a
/// single word (`ibm`) or letters spelled apart (`i b m`, `p g` from `P&G`).
pub fn short_form(normalized: &str) -> Option<String> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many if many.iter().all(|w| w.chars().count() == 1) => Some(many.concat()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str) -> String {
        normalize_organisation(raw).unwrap_or_default()
    }

    #[test]
    fn legal_forms_in_their_spellings_are_removed() {
        for (raw, want) in [
            ("ACME Inc.", "acme"),
            ("Acme Incorporated", "acme"),
            ("ACME, INC", "acme"),
            ("Acme Corp.", "acme"),
            ("Acme Corporation", "acme"),
            ("Acme L.L.C.", "acme"),
            ("Acme LLC", "acme"),
            ("Acme Ltd", "acme"),
            ("Acme Limited", "acme"),
            ("Siemens AG", "siemens"),
            ("Robert Bosch GmbH", "robert bosch"),
            ("Heineken N.V.", "heineken"),
            ("Heineken N V", "heineken"),
            ("Heineken NV", "heineken"),
            ("Shell B.V.", "shell"),
            ("Shell B V", "shell"),
            ("Nestle S.A.", "nestle"),
            ("Fiat S.p.A.", "fiat"),
            ("Tesco plc", "tesco"),
            ("Acme Pty Ltd", "acme"),
            ("Schmidt GmbH & Co. KG", "schmidt"),
            ("Turnverein e.V.", "turnverein"),
            ("Danone SARL", "danone"),
            ("Maersk A/S", "maersk"),
            ("Baker & McKenzie LLP", "baker mckenzie"),
            ("Smith & Co", "smith"),
            ("Ford Motor Company", "ford motor"),
        ] {
            assert_eq!(n(raw), want, "{raw}");
        }
    }

    #[test]
    fn connectors_articles_and_abbreviations_agree() {
        assert_eq!(n("Johnson & Johnson"), n("Johnson and Johnson"));
        assert_eq!(n("Müller + Söhne"), n("Muller und Sohne"));
        assert_eq!(n("The Home Depot"), "home depot");
        assert_eq!(n("Bank of America"), "bank america");
        assert_eq!(n("Intl. Paper Co."), n("International Paper Company"));
        assert_eq!(n("Medical Ctr"), n("Medical Centre"));
        assert_eq!(n("Medical Center"), "medical center");
        assert_eq!(n("Amer. Heart Assn."), "amer heart association");
        assert_eq!(n("Agilent Technologies"), n("Agilent Tech"));
        assert_eq!(n("Arnie Morton's of Chicago"), "arnie mortons chicago");
    }

    #[test]
    fn words_that_only_look_like_legal_forms_stay() {
        // `co` inside a word, a legal form first, an ordinary last word.
        assert_eq!(n("Costco"), "costco");
        assert_eq!(n("Costco Wholesale"), "costco wholesale");
        assert_eq!(n("Limited Brands"), "limited brands");
        assert_eq!(n("Co-op Bank"), "co op bank");
        assert_eq!(n("Serenity Day Spa"), "serenity day spa");
        assert_eq!(n("Incorporated Village"), "incorporated village");
        assert_eq!(n("The Company"), "company");
        assert_eq!(n("Sa Pa Grill"), "sa pa grill");
        // A person's name is left as it is, but for folding.
        assert_eq!(n("John Smith"), "john smith");
        assert_eq!(n("Mary-Ann O'Neil"), "mary ann oneil");
        assert_eq!(n("J. R. R. Tolkien"), "j r r tolkien");
        assert_eq!(normalize_organisation("  "), None);
        assert_eq!(normalize_organisation("&"), None);
    }

    #[test]
    fn acronyms_and_short_forms() {
        assert_eq!(
            acronym(&n("International Business Machines Corp.")).as_deref(),
            Some("ibm")
        );
        assert_eq!(short_form(&n("IBM Corp")).as_deref(), Some("ibm"));
        assert_eq!(acronym(&n("Procter & Gamble")).as_deref(), Some("pg"));
        assert_eq!(short_form(&n("P&G")).as_deref(), Some("pg"));
        assert_eq!(acronym("acme"), None);
        assert_eq!(short_form("acme widgets"), None);
        assert_eq!(short_form(""), None);
    }
}
