//! Writes a synthetic evaluation set shaped like records of historical people,
//! with its truth file.
//!
//! ```text
//! cargo run --release --example historical -- --records 50000 --seed 1 --out /tmp/hist50k
//! target/release/examples/resolve $(ls /tmp/hist50k/*.csv | grep -v truth.csv) --truth /tmp/hist50k/truth.csv
//! ```
//!
//! About one person per ten records, the count per person skewed (log-normal:
//! many with 2-5, some with 30 and more), spread over four sources written
//! as their kind of archive writes them:
//!
//! - `registry.csv`: `id,first_name,last_name,birth_date,birth_place,death_date,occupation,sex`
//!   (ISO dates, partial when the day or month is unknown);
//! - `biographies.csv`: `id,name,born,place,title` (one name field with
//!   honorifics and suffixes, `Last, First` or `First Last`; dates in words,
//!   `c. 1750`, `1750?`, `Mar. 1750`);
//! - `parish.csv`: `ref,given,surname,by,bm,bd,town` (a baptism: birth date
//!   in parts, the maiden name of a woman);
//! - `census.csv`: `entry,surname,forenames,sex,age,census_date,birthplace,occupation`
//!   (an age at the census date, no birth date; only people alive at a
//!   census year between 1790 and 1900 appear there).
//!
//! The records of one person vary as such sources do: nicknames, initials,
//! abbreviations (`Wm.`, `Jno.`), the same name in another language
//! (`Johann` / `John` / `Jean` / `Johannes`), transliterations (`Pyotr` /
//! `Petr` / `Peter`, `Sokolov` / `Sokoloff`), middle names missing or cut
//! to initials, maiden and married surnames, titles (`Sir`, `Dr.`, `Rev.`,
//! `Count`, `Gen.`) and `Jr` / `Sr` on some records only, partial birth dates,
//! day and month swapped, years off by one, places spelled differently
//! (`St. Petersburg` / `Saint Petersburg` / `Petrograd`), occupations in
//! other words, missing fields and a few transcription slips. Hard
//! negatives are made on purpose: namesakes (same name, sometimes the same
//! birth year or place), fathers and sons of one name born 25-35 years
//! apart in one place, and siblings.
//!
//! Births spread over 1620-1890; `--born-from 1800` keeps them to the
//! nineteenth century (records whose dates any date reader takes).
//!
//! Every name comes from the pools below; no record describes a real
//! person. The same seed writes the same bytes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SplitMix64 (the crate's own generator is internal).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index in `0..n`, the first ones likelier (weights `1 / (i + 1)`):
    /// a few names are common, most are rare.
    fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
        let mut x = self.unit() * total;
        for i in 0..n {
            x -= 1.0 / (i + 1) as f64;
            if x < 0.0 {
                return i;
            }
        }
        n - 1
    }
    /// A standard normal number (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// One culture's names and places. In each name list the first form is the
/// name as that culture writes it; the others are what records also show
/// (nicknames, abbreviations, the name in other languages, transliterations).
struct Culture {
    weight: f64,
    male: &'static [&'static [&'static str]],
    female: &'static [&'static [&'static str]],
    /// Common surnames with their spellings.
    surnames: &'static [&'static [&'static str]],
    /// Rarer surnames: every root with every ending (`Ash` + `worth`), ...
    roots: &'static [&'static str],
    endings: &'static [&'static str],
    /// ... spelled otherwise by these replacements (`ley` -> `ly`).
    respell: &'static [(&'static str, &'static str)],
    places: &'static [&'static [&'static str]],
}

const ENGLISH: Culture = Culture {
    weight: 0.34,
    male: &[
        &["John", "Jno.", "Jack", "Johann", "Jean", "Johannes", "Jon"],
        &[
            "William",
            "Wm.",
            "Will",
            "Bill",
            "Willm.",
            "Wilhelm",
            "Guillaume",
        ],
        &["Thomas", "Thos.", "Tom", "Tho.", "Thomas"],
        &["James", "Jas.", "Jim", "Jacobus", "Jacques"],
        &["George", "Geo.", "Georg", "Georges"],
        &["Charles", "Chas.", "Charlie", "Carl", "Karl"],
        &["Richard", "Richd.", "Dick", "Rich."],
        &["Robert", "Robt.", "Bob", "Rob"],
        &["Henry", "Hy.", "Harry", "Heinrich", "Henri", "Hen."],
        &["Edward", "Edw.", "Ned", "Ted", "Eduard"],
        &["Joseph", "Jos.", "Joe", "Josef"],
        &["Samuel", "Saml.", "Sam"],
        &["Benjamin", "Benj.", "Ben"],
        &["Frederick", "Fredk.", "Fred", "Friedrich"],
        &["Nathaniel", "Nathl.", "Nat"],
        &["Alexander", "Alexr.", "Alex", "Sandy"],
        &["Hezekiah", "Hez."],
        &["Ebenezer", "Ebenr.", "Eben"],
    ],
    female: &[
        &["Mary", "Polly", "Molly", "Maria", "Marie"],
        &[
            "Elizabeth",
            "Eliza",
            "Eliz.",
            "Betsy",
            "Beth",
            "Elisabeth",
            "Lizzie",
        ],
        &["Sarah", "Sally", "Sara"],
        &["Margaret", "Margt.", "Peggy", "Maggie", "Margarethe"],
        &["Ann", "Anne", "Anna", "Nancy"],
        &["Catherine", "Kate", "Katherine", "Cath.", "Katharina"],
        &["Jane", "Jenny", "Jean"],
        &["Hannah", "Hanna"],
        &["Frances", "Fanny", "Fran."],
        &["Martha", "Patty", "Mattie"],
        &["Dorothy", "Dolly", "Dorothea"],
        &["Susannah", "Susan", "Sukey", "Susanna"],
        &["Charlotte", "Lottie"],
        &["Harriet", "Hattie"],
        &["Abigail", "Abby", "Nabby"],
    ],
    surnames: &[
        &["Smith", "Smyth", "Smithe"],
        &["Brown", "Browne"],
        &["Clark", "Clarke"],
        &["Thompson", "Thomson", "Tomson"],
        &["Miller", "Millar"],
        &["Taylor", "Tayler", "Taylour"],
        &["Johnson", "Jonson", "Johnston"],
        &["Wright", "Right"],
        &["Walker"],
        &["Harris", "Harries"],
        &["Cooper", "Couper"],
        &["Reid", "Reed", "Read"],
        &["Davies", "Davis"],
        &["Phillips", "Philips"],
        &["Gray", "Grey"],
        &["Hewitt", "Hewett"],
        &["Pennington"],
        &["Ashworth"],
        &["Fairweather"],
        &["Blackwood"],
        &["Hargreaves", "Hargraves"],
        &["Whitcombe", "Whitcomb"],
        &["Aldridge", "Aldrich"],
        &["Cartwright"],
    ],
    roots: &[
        "Ash", "Black", "Brad", "Hart", "Wood", "Fair", "Gold", "Hol", "Ald", "Brom", "Craw",
        "Dun", "Hather", "Kings", "Lang", "Mar", "Pem", "Rad", "Stan", "Thorn", "Wal", "Wes",
    ],
    endings: &[
        "worth", "wood", "ford", "ley", "ton", "field", "combe", "bury", "ridge", "wick", "ham",
        "by",
    ],
    respell: &[
        ("ley", "ly"),
        ("combe", "comb"),
        ("worth", "worthe"),
        ("ford", "forde"),
    ],
    places: &[
        &["London", "Londres", "London, England"],
        &["Bristol", "Bristol, England"],
        &["York", "York, Yorks."],
        &["Edinburgh", "Edinburgh, Scotland", "Edinburg"],
        &["Manchester", "Manchester, Lancs."],
        &["Boston", "Boston, Mass.", "Boston, MA"],
        &["Philadelphia", "Phila.", "Philadelphia, Pa."],
        &["Norwich", "Norwich, Norfolk"],
        &["Canterbury", "Canterbury, Kent"],
        &["Bath", "Bath, Somerset"],
        &["Salem", "Salem, Mass."],
        &["Dublin", "Dublin, Ireland", "Baile Átha Cliath"],
    ],
};

const GERMAN: Culture = Culture {
    weight: 0.15,
    male: &[
        &["Johann", "Joh.", "Hans", "John", "Johannes", "Jean"],
        &["Wilhelm", "Wilh.", "Willi", "William", "Guillaume"],
        &["Friedrich", "Fr.", "Fritz", "Frederick", "Frédéric"],
        &["Heinrich", "Heinr.", "Heinz", "Henry", "Henri"],
        &["Karl", "Carl", "Charles"],
        &["Georg", "George", "Jörg"],
        &["Ludwig", "Louis", "Lewis"],
        &["Christoph", "Christopher", "Chr."],
        &["Gottfried", "Gottf.", "Godfrey"],
        &["Jakob", "Jacob", "James"],
        &["Matthias", "Mathias", "Matthew"],
    ],
    female: &[
        &["Anna", "Anne", "Ann"],
        &["Maria", "Marie", "Mary"],
        &["Elisabeth", "Elise", "Lisbeth", "Elizabeth"],
        &["Katharina", "Catharina", "Käthe", "Catherine"],
        &["Margarethe", "Margarete", "Gretchen", "Margaret"],
        &["Dorothea", "Dorothy", "Thea"],
        &["Sophie", "Sophia", "Sofie"],
        &["Luise", "Louise", "Louisa"],
    ],
    surnames: &[
        &["Müller", "Mueller", "Muller", "Miller"],
        &["Schmidt", "Schmitt", "Schmid"],
        &["Schneider", "Schnyder"],
        &["Fischer", "Fisher"],
        &["Weber"],
        &["Meyer", "Meier", "Mayer", "Maier"],
        &["Wagner"],
        &["Becker", "Bäcker"],
        &["Hoffmann", "Hofmann", "Hoffman"],
        &["Koch"],
        &["Richter"],
        &["Zimmermann", "Zimmerman"],
        &["Lindemann", "Lindeman"],
        &["Oberländer", "Oberlaender"],
        &["Gutknecht"],
    ],
    roots: &[
        "Lind", "Stein", "Berg", "Rosen", "Wald", "Eich", "Hart", "Klein", "Gross", "Schwarz",
        "Weiss", "Hoch", "Alt", "Neu", "Sonnen",
    ],
    endings: &[
        "mann", "berger", "hofer", "feld", "baum", "meier", "bach", "er", "inger", "huber",
    ],
    respell: &[
        ("mann", "man"),
        ("meier", "meyer"),
        ("Weiss", "Weiß"),
        ("Gross", "Groß"),
        ("Schwarz", "Schwartz"),
    ],
    places: &[
        &["Munich", "München", "Muenchen", "Munchen"],
        &["Cologne", "Köln", "Koeln", "Coeln"],
        &["Vienna", "Wien", "Vienne"],
        &["Aachen", "Aix-la-Chapelle"],
        &["Nuremberg", "Nürnberg", "Nuernberg"],
        &["Leipzig", "Leipsic"],
        &[
            "Frankfurt am Main",
            "Frankfort",
            "Frankfurt a. M.",
            "Frankfurt",
        ],
        &["Hanover", "Hannover"],
        &["Brunswick", "Braunschweig"],
        &["Dresden"],
    ],
};

const FRENCH: Culture = Culture {
    weight: 0.12,
    male: &[
        &["Jean", "J.", "John", "Johann", "Jehan"],
        &["Pierre", "Peter", "Pietro"],
        &["Louis", "Ludwig", "Lewis", "Luis"],
        &["Jacques", "James", "Jacob"],
        &["François", "Francois", "Francis", "Franz"],
        &["Guillaume", "William", "Wilhelm"],
        &["Antoine", "Anthony", "Anton"],
        &["Charles", "Karl", "Carl"],
        &["Étienne", "Etienne", "Stephen"],
        &["Henri", "Henry", "Heinrich"],
    ],
    female: &[
        &["Marie", "Mary", "Maria"],
        &["Jeanne", "Jane", "Joan"],
        &["Marguerite", "Margaret", "Margot"],
        &["Catherine", "Katharina", "Cathérine"],
        &["Louise", "Luise", "Louisa"],
        &["Geneviève", "Genevieve"],
        &["Élisabeth", "Elisabeth", "Elizabeth", "Babette"],
    ],
    surnames: &[
        &["Martin"],
        &["Bernard"],
        &["Dubois", "Du Bois", "DuBois"],
        &["Lefebvre", "Lefèvre", "Lefevre", "Lefeuvre"],
        &["Moreau"],
        &["Laurent"],
        &["Girard"],
        &["Rousseau"],
        &["Fontaine", "La Fontaine", "Lafontaine"],
        &["Deschamps", "Des Champs"],
        &["Beaumarchais"],
        &["Chevalier", "Chevallier"],
    ],
    roots: &[
        "Beau", "Mont", "Clair", "Ville", "Roche", "Bel", "Grand", "Haut", "Mar", "Vau", "Cham",
    ],
    endings: &[
        "champ", "fort", "mont", "val", "pré", "blanc", "noir", "bois", "lieu", "court",
    ],
    respell: &[("pré", "pre"), ("champ", "camp"), ("court", "cour")],
    places: &[
        &["Paris"],
        &["Lyons", "Lyon"],
        &["Marseilles", "Marseille"],
        &["Strasbourg", "Strassburg", "Straßburg"],
        &["Bordeaux"],
        &["Rouen"],
        &["Toulouse"],
        &["Rheims", "Reims"],
    ],
};

const RUSSIAN: Culture = Culture {
    weight: 0.10,
    male: &[
        &["Ivan", "Iwan", "John", "Johann"],
        &["Pyotr", "Petr", "Piotr", "Peter", "Pierre"],
        &["Fyodor", "Fedor", "Feodor", "Theodore"],
        &["Aleksandr", "Alexander", "Alexandre", "Aleksander"],
        &["Nikolai", "Nikolay", "Nicholas", "Nicolas"],
        &["Mikhail", "Michail", "Michael"],
        &["Sergei", "Sergey", "Serge"],
        &["Dmitri", "Dmitry", "Dimitri"],
        &["Vasily", "Vasilii", "Wassili", "Basil"],
    ],
    female: &[
        &["Yekaterina", "Ekaterina", "Catherine", "Katerina"],
        &["Mariya", "Maria", "Marie"],
        &["Anna", "Anne"],
        &["Yelena", "Elena", "Helen", "Hélène"],
        &["Natalya", "Natalia", "Nathalie"],
        &["Sofya", "Sofia", "Sophie"],
    ],
    surnames: &[
        &["Ivanov", "Ivanoff", "Iwanow"],
        &["Petrov", "Petroff", "Petrow"],
        &["Sokolov", "Sokoloff", "Sokolow"],
        &["Volkov", "Wolkow", "Volkoff"],
        &["Kuznetsov", "Kuznetzov", "Kusnezow"],
        &["Popov", "Popoff", "Popow"],
        &["Orlov", "Orloff", "Orlow"],
        &["Morozov", "Morosow", "Morozoff"],
        &["Tchernyshev", "Chernyshev", "Tschernyschew"],
        &["Zhukovsky", "Joukovsky", "Shukowski"],
    ],
    roots: &[
        "Sokol", "Vorob", "Golub", "Medved", "Kozl", "Zayats", "Bel", "Chern", "Grom", "Lebed",
        "Kras", "Tikhon", "Smirn", "Vasil",
    ],
    endings: &["ov", "ev", "in", "sky", "ovsky"],
    respell: &[
        ("ov", "off"),
        ("ev", "eff"),
        ("ov", "ow"),
        ("sky", "ski"),
        ("kh", "ch"),
        ("ya", "ja"),
    ],
    places: &[
        &[
            "St. Petersburg",
            "Saint Petersburg",
            "Petrograd",
            "Sankt-Peterburg",
            "St Petersburg",
        ],
        &["Moscow", "Moskva", "Moscou"],
        &["Kiev", "Kyiv", "Kiew"],
        &["Nizhny Novgorod", "Nizhnii Novgorod", "Gorky"],
        &["Kazan"],
        &["Odessa", "Odesa"],
    ],
};

const ITALIAN: Culture = Culture {
    weight: 0.07,
    male: &[
        &["Giovanni", "Gio.", "John", "Giovan", "Jean"],
        &["Giuseppe", "Gius.", "Joseph", "Beppe"],
        &["Francesco", "Franc.", "Francis", "Franco"],
        &["Pietro", "Peter", "Piero"],
        &["Antonio", "Anthony", "Ant."],
        &["Luigi", "Louis", "Ludovico"],
    ],
    female: &[
        &["Maria", "Mary", "Marie"],
        &["Giovanna", "Joan", "Jeanne"],
        &["Caterina", "Catherine", "Katharina"],
        &["Lucia", "Lucy"],
    ],
    surnames: &[
        &["Rossi", "Rosso"],
        &["Russo"],
        &["Ferrari", "Ferraro"],
        &["Esposito"],
        &["Bianchi", "Bianco"],
        &["Romano"],
        &["Colombo"],
        &["Ricci"],
        &["Castellani"],
    ],
    roots: &[
        "Bell", "Rom", "Fer", "Cast", "Mont", "Pag", "Benedett", "Marchett", "Gall", "Cont", "Sart",
    ],
    endings: &["i", "ini", "etti", "elli", "one", "ucci", "ani"],
    respell: &[("etti", "eti"), ("elli", "eli")],
    places: &[
        &["Florence", "Firenze"],
        &["Venice", "Venezia"],
        &["Naples", "Napoli"],
        &["Leghorn", "Livorno"],
        &["Milan", "Milano"],
        &["Turin", "Torino"],
        &["Rome", "Roma"],
    ],
};

const SPANISH: Culture = Culture {
    weight: 0.06,
    male: &[
        &["Juan", "John", "Jean"],
        &["José", "Jose", "Joseph"],
        &["Francisco", "Fco.", "Francis", "Paco"],
        &["Antonio", "Ant.", "Anthony"],
        &["Manuel", "Man."],
        &["Diego", "James"],
    ],
    female: &[
        &["María", "Maria", "Mary"],
        &["Juana", "Joan", "Jeanne"],
        &["Isabel", "Isabella", "Elizabeth"],
        &["Teresa", "Theresa", "Thérèse"],
    ],
    surnames: &[
        &["García", "Garcia"],
        &["Fernández", "Fernandez", "Fernandes"],
        &["López", "Lopez"],
        &["Martínez", "Martinez"],
        &["Rodríguez", "Rodriguez"],
        &["Pérez", "Perez"],
        &["Jiménez", "Jimenez", "Ximénez"],
        &["Vázquez", "Vazquez", "Vasquez"],
    ],
    roots: &[
        "Alvar", "Gonzál", "Sánch", "Domíngu", "Ménd", "Ramír", "Gutiérr", "Núñ", "Benít", "Ord",
        "Poz",
    ],
    endings: &["ez", "es", "o", "ero"],
    respell: &[("á", "a"), ("í", "i"), ("é", "e"), ("ñ", "n"), ("ez", "es")],
    places: &[
        &["Seville", "Sevilla"],
        &["Saragossa", "Zaragoza"],
        &["Madrid"],
        &["Cadiz", "Cádiz"],
        &["Corunna", "La Coruña", "A Coruña"],
    ],
};

const DUTCH: Culture = Culture {
    weight: 0.06,
    male: &[
        &["Jan", "Johannes", "John", "Joh."],
        &["Pieter", "Peter", "Piet"],
        &["Hendrik", "Henk", "Henry", "Hendrick"],
        &["Cornelis", "Kees", "Cornelius"],
        &["Willem", "William", "Wim"],
    ],
    female: &[
        &["Maria", "Marie", "Mary", "Marijke"],
        &["Anna", "Anneke", "Ann"],
        &["Catharina", "Trijntje", "Catherine"],
        &["Johanna", "Jo", "Joanna"],
    ],
    surnames: &[
        &["de Vries", "De Vries", "Devries"],
        &["van den Berg", "Van den Berg", "Vandenberg"],
        &["Jansen", "Janssen", "Janssens"],
        &["Bakker", "Backer"],
        &["Visser"],
        &["de Jong", "De Jong", "Dejong"],
        &["van Dijk", "Van Dyke", "van Dyk"],
    ],
    roots: &["van ", "de ", "van der ", "ter ", "van de "],
    endings: &[
        "Berg", "Dijk", "Hout", "Meer", "Beek", "Bosch", "Velde", "Heuvel", "Linden", "Broek",
        "Wal", "Laan",
    ],
    respell: &[("van ", "Van "), ("de ", "De "), ("ij", "y")],
    places: &[
        &["The Hague", "Den Haag", "'s-Gravenhage"],
        &["Amsterdam"],
        &["Leyden", "Leiden"],
        &["Utrecht"],
        &["Flushing", "Vlissingen"],
    ],
};

const NORDIC: Culture = Culture {
    weight: 0.05,
    male: &[
        &["Anders", "Andrew", "Andreas"],
        &["Lars", "Laurence", "Laurentius"],
        &["Nils", "Niels", "Nicholas"],
        &["Olof", "Olaf", "Ole"],
        &["Erik", "Eric", "Erich"],
    ],
    female: &[
        &["Kristina", "Christina", "Stina"],
        &["Ingrid", "Inger"],
        &["Karin", "Catherine", "Karen"],
        &["Brita", "Birgitta", "Bridget"],
    ],
    surnames: &[
        &["Andersson", "Anderson", "Andersen"],
        &["Johansson", "Johanson", "Johannessen"],
        &["Nilsson", "Nilson", "Nielsen"],
        &["Larsson", "Larson", "Larsen"],
        &["Lindqvist", "Lindquist", "Lindkvist"],
    ],
    roots: &[
        "Berg", "Lind", "Sund", "Holm", "Dahl", "Ek", "Sjö", "Wik", "Nord", "Strand", "Fors",
    ],
    endings: &["ström", "gren", "qvist", "berg", "lund", "man", "ling"],
    respell: &[
        ("ö", "o"),
        ("qvist", "quist"),
        ("ström", "strom"),
        ("qvist", "kvist"),
    ],
    places: &[
        &["Copenhagen", "København", "Kjøbenhavn"],
        &["Gothenburg", "Göteborg", "Goteborg"],
        &["Stockholm"],
        &["Christiania", "Kristiania", "Oslo"],
        &["Uppsala", "Upsala"],
    ],
};

const POLISH: Culture = Culture {
    weight: 0.05,
    male: &[
        &["Jan", "John", "Johann", "Iwan"],
        &["Stanisław", "Stanislaw", "Stanislaus", "Stan."],
        &["Józef", "Jozef", "Joseph", "Josef"],
        &["Władysław", "Wladyslaw", "Ladislaus"],
        &["Tadeusz", "Thaddeus", "Tad."],
    ],
    female: &[
        &["Maria", "Marya", "Mary"],
        &["Anna", "Anne"],
        &["Jadwiga", "Hedwig", "Hedwiga"],
        &["Zofia", "Sophia", "Sophie"],
    ],
    surnames: &[
        &["Kowalski", "Kowalsky", "Kovalsky"],
        &["Nowak", "Novak", "Nowack"],
        &["Wiśniewski", "Wisniewski", "Vishnevsky"],
        &["Wójcik", "Wojcik", "Woycik"],
        &["Lewandowski", "Lewandowsky"],
        &["Zieliński", "Zielinski", "Zelinsky"],
    ],
    roots: &[
        "Kowal", "Wiśniew", "Kamiń", "Dąbrow", "Szyman", "Wrób", "Jankow", "Mazur", "Krawcz",
        "Piotrow", "Grab",
    ],
    endings: &["ski", "czyk", "ewicz", "iak"],
    respell: &[
        ("ski", "sky"),
        ("ś", "s"),
        ("ń", "n"),
        ("ą", "a"),
        ("ó", "o"),
        ("w", "v"),
        ("cz", "tch"),
    ],
    places: &[
        &["Warsaw", "Warszawa", "Varsovie", "Warschau"],
        &["Cracow", "Kraków", "Krakau", "Krakow"],
        &["Danzig", "Gdańsk", "Gdansk"],
        &["Breslau", "Wrocław", "Wroclaw"],
        &["Posen", "Poznań", "Poznan"],
    ],
};

const CULTURES: [&Culture; 9] = [
    &ENGLISH, &GERMAN, &FRENCH, &RUSSIAN, &ITALIAN, &SPANISH, &DUTCH, &NORDIC, &POLISH,
];

/// Occupations: each a list of the words records use for it, and the title
/// that goes with it in a name (`Dr.`, `Rev.`, `Gen.`), if any.
const OCCUPATIONS: &[(&[&str], &[&str])] = &[
    (
        &["farmer", "yeoman", "husbandman", "agriculturist", "planter"],
        &[],
    ),
    (&["weaver", "linen weaver", "textile worker"], &[]),
    (&["carpenter", "joiner", "cabinet maker"], &[]),
    (&["blacksmith", "smith", "farrier"], &[]),
    (
        &["mariner", "sailor", "seaman", "ship's master"],
        &["Capt."],
    ),
    (&["merchant", "trader", "dealer", "shopkeeper"], &[]),
    (
        &[
            "physician",
            "doctor",
            "surgeon",
            "M.D.",
            "medical practitioner",
        ],
        &["Dr.", "Dr"],
    ),
    (
        &[
            "clergyman",
            "minister",
            "priest",
            "vicar",
            "rector",
            "pastor",
        ],
        &["Rev.", "Revd.", "Rev"],
    ),
    (
        &["army officer", "soldier", "officer", "general", "colonel"],
        &["Gen.", "Col.", "Maj."],
    ),
    (
        &["lawyer", "attorney", "barrister", "solicitor", "advocate"],
        &[],
    ),
    (&["painter", "artist", "portrait painter", "engraver"], &[]),
    (&["composer", "musician", "organist", "Kapellmeister"], &[]),
    (&["writer", "author", "poet", "novelist"], &[]),
    (
        &["teacher", "schoolmaster", "tutor", "professor"],
        &["Prof."],
    ),
    (
        &["landowner", "statesman", "diplomat", "courtier"],
        &["Sir", "Lord", "Count", "Baron"],
    ),
    (&["servant", "domestic servant", "housekeeper"], &[]),
    (&["seamstress", "dressmaker", "milliner"], &[]),
];

/// Occupations open to women in these records (the others are men's here).
const WOMENS_OCCUPATIONS: &[usize] = &[1, 5, 10, 12, 13, 15, 16];

/// The sources: file name, header, share of the records.
const SOURCES: [(&str, &str, f64); 4] = [
    (
        "registry",
        "id,first_name,last_name,birth_date,birth_place,death_date,occupation,sex",
        0.35,
    ),
    ("biographies", "id,name,born,place,title", 0.25),
    ("parish", "ref,given,surname,by,bm,bd,town", 0.20),
    (
        "census",
        "entry,surname,forenames,sex,age,census_date,birthplace,occupation",
        0.20,
    ),
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A name as the pools hold it: culture, sex list and index.
#[derive(Clone, Copy)]
struct NameRef {
    culture: usize,
    female: bool,
    index: usize,
}

impl NameRef {
    fn forms(self) -> &'static [&'static str] {
        let c = CULTURES[self.culture];
        if self.female {
            c.female[self.index]
        } else {
            c.male[self.index]
        }
    }
}

/// One invented person: the truth behind their records.
struct Person {
    entity: usize,
    culture: usize,
    female: bool,
    given: NameRef,
    middle: Option<NameRef>,
    /// Surname at birth (see `surname_forms`).
    surname: usize,
    /// Surname by marriage, for some women.
    married: Option<usize>,
    /// `Sr.` or `Jr.` (or `II`) for fathers and sons of one name.
    suffix: Option<&'static str>,
    birth: (i32, u32, u32),
    death: Option<(i32, u32, u32)>,
    place: usize,
    occupation: usize,
    title: Option<&'static str>,
    records: usize,
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn random_date(rng: &mut Rng, year: i32) -> (i32, u32, u32) {
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(days_in(month, year) as usize) as u32;
    (year, month, day)
}

/// Births fall in `--born-from` (default 1620) up to this year.
const LAST_BIRTH_YEAR: i32 = 1890;

/// How many records a person has: log-normal with mean about 10, at least 2,
/// at most 80 (a famous person fills many registers).
fn record_count(rng: &mut Rng) -> usize {
    let x = (1.95 + 0.85 * rng.normal()).exp();
    (x.round() as usize).clamp(2, 80)
}

fn pick_culture(rng: &mut Rng) -> usize {
    let total: f64 = CULTURES.iter().map(|c| c.weight).sum();
    let mut x = rng.unit() * total;
    for (i, c) in CULTURES.iter().enumerate() {
        x -= c.weight;
        if x < 0.0 {
            return i;
        }
    }
    CULTURES.len() - 1
}

fn pick_name(rng: &mut Rng, culture: usize, female: bool) -> NameRef {
    let c = CULTURES[culture];
    let n = if female { c.female.len() } else { c.male.len() };
    NameRef {
        culture,
        female,
        index: rng.zipf(n),
    }
}

/// A surname: a common one (index into `surnames`, the first likelier) or
/// a rarer one made from a root and an ending (the indices after them).
fn pick_surname(rng: &mut Rng, culture: usize) -> usize {
    let c = CULTURES[culture];
    if rng.chance(0.35) {
        rng.zipf(c.surnames.len())
    } else {
        c.surnames.len() + rng.below(c.roots.len() * c.endings.len())
    }
}

/// A surname's spellings, the usual one first.
fn surname_forms(culture: usize, index: usize) -> Vec<String> {
    let c = CULTURES[culture];
    if let Some(forms) = c.surnames.get(index) {
        return forms.iter().map(|f| f.to_string()).collect();
    }
    let i = index - c.surnames.len();
    let name = format!(
        "{}{}",
        c.roots[i / c.endings.len()],
        c.endings[i % c.endings.len()]
    );
    let mut forms = vec![name.clone()];
    for (from, to) in c.respell {
        let other = name.replacen(from, to, 1);
        if !forms.contains(&other) {
            forms.push(other);
        }
    }
    forms
}

fn pick_occupation(rng: &mut Rng, female: bool) -> usize {
    if female {
        *rng.pick(WOMENS_OCCUPATIONS)
    } else {
        // Every occupation but the seamstress's.
        rng.zipf(OCCUPATIONS.len() - 1)
    }
}

/// A person made from nothing: culture, sex, names, dates, place, work.
fn new_person(rng: &mut Rng, entity: usize, born_from: i32) -> Person {
    let culture = pick_culture(rng);
    let female = rng.chance(0.4);
    let year = born_from + rng.below((LAST_BIRTH_YEAR - born_from).max(1) as usize) as i32;
    let c = CULTURES[culture];
    let occupation = pick_occupation(rng, female);
    let mut person = Person {
        entity,
        culture,
        female,
        given: pick_name(rng, culture, female),
        middle: None,
        surname: pick_surname(rng, culture),
        married: None,
        suffix: None,
        birth: random_date(rng, year),
        death: None,
        place: rng.zipf(c.places.len()),
        occupation,
        title: None,
        records: record_count(rng),
    };
    finish(rng, &mut person);
    person
}

/// Fills what follows from the rest: middle name, marriage, death, title.
fn finish(rng: &mut Rng, p: &mut Person) {
    p.middle = rng
        .chance(0.45)
        .then(|| pick_name(rng, p.culture, p.female));
    if p.middle.is_some_and(|m| m.index == p.given.index) {
        p.middle = None;
    }
    if p.female && rng.chance(0.55) {
        let m = pick_surname(rng, p.culture);
        p.married = (m != p.surname).then_some(m);
    }
    p.death = rng.chance(0.9).then(|| {
        let age = 1 + rng.below(90) as i32;
        random_date(rng, p.birth.0 + age)
    });
    let titles = OCCUPATIONS[p.occupation].1;
    if !titles.is_empty() && !p.female && rng.chance(0.6) {
        p.title = Some(*rng.pick(titles));
    }
}

/// Hard negatives made from `base`: a namesake, a son of the same name, or
/// a sibling.
fn relative(rng: &mut Rng, base: &mut Person, entity: usize, born_from: i32) -> Person {
    let mut p = new_person(rng, entity, born_from);
    let kind = rng.below(3);
    match kind {
        // Namesake: same culture and name, sometimes same year or place.
        0 => {
            p.culture = base.culture;
            p.female = base.female;
            p.given = base.given;
            p.surname = base.surname;
            p.occupation = pick_occupation(rng, p.female);
            if rng.chance(0.3) {
                let year = base.birth.0 + rng.below(3) as i32 - 1;
                p.birth = random_date(rng, year);
            }
            p.place = if rng.chance(0.4) {
                base.place
            } else {
                rng.below(CULTURES[p.culture].places.len())
            };
        }
        // Father and son of one name, same place, 25-35 years apart.
        1 => {
            p.culture = base.culture;
            p.female = false;
            base.female = false;
            base.married = None;
            if base.given.female {
                base.given = pick_name(rng, base.culture, false);
                base.middle = None;
            }
            p.given = base.given;
            p.surname = base.surname;
            p.place = base.place;
            let year = base.birth.0 + 25 + rng.below(11) as i32;
            p.birth = random_date(rng, year);
            base.suffix = Some("Sr.");
            p.suffix = Some(if rng.chance(0.85) { "Jr." } else { "II" });
            p.occupation = if rng.chance(0.5) {
                base.occupation
            } else {
                pick_occupation(rng, false)
            };
        }
        // Sibling: same surname and place, born 1-10 years apart.
        _ => {
            p.culture = base.culture;
            p.surname = base.surname;
            p.place = base.place;
            p.given = pick_name(rng, p.culture, p.female);
            if p.female == base.female && p.given.index == base.given.index {
                let c = CULTURES[p.culture];
                let n = if p.female {
                    c.female.len()
                } else {
                    c.male.len()
                };
                p.given.index = (p.given.index + 1) % n;
            }
            let gap = 1 + rng.below(10) as i32;
            let year = base.birth.0 + if rng.chance(0.5) { gap } else { -gap };
            p.birth = random_date(rng, year);
            p.occupation = pick_occupation(rng, p.female);
        }
    }
    p.title = None;
    p.married = None;
    finish(rng, &mut p);
    if kind == 1 {
        p.middle = base.middle.or(p.middle);
    }
    p
}

/// A slip of the pen or of the transcriber: a letter dropped, doubled,
/// swapped with the next, or misread (`rn` for `m`, `u` for `n`).
fn typo(rng: &mut Rng, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 4 {
        return s.to_string();
    }
    let i = 1 + rng.below(chars.len() - 2);
    let mut out = chars.clone();
    match rng.below(4) {
        0 => {
            out.remove(i);
        }
        1 => out.insert(i, chars[i]),
        2 => out.swap(i, i + 1),
        _ => {
            let misread = match chars[i] {
                'm' => "rn",
                'n' => "u",
                'u' => "n",
                'e' => "c",
                'c' => "e",
                'a' => "o",
                'i' => "l",
                'l' => "i",
                _ => return out.into_iter().collect(),
            };
            out.splice(i..=i, misread.chars());
        }
    }
    out.into_iter().collect()
}

fn initial(name: &str) -> String {
    let first = name.chars().next().unwrap_or('X');
    format!("{first}.")
}

/// The given name as one record writes it.
fn given_form(rng: &mut Rng, name: NameRef) -> String {
    let forms = name.forms();
    let x = rng.unit();
    let s = if x < 0.62 || forms.len() == 1 {
        forms[0].to_string()
    } else if x < 0.9 {
        forms[1 + rng.below(forms.len() - 1)].to_string()
    } else {
        initial(forms[0])
    };
    if rng.chance(0.02) {
        typo(rng, &s)
    } else {
        s
    }
}

/// Given and middle names as one record writes them.
fn forenames(rng: &mut Rng, p: &Person) -> String {
    let given = given_form(rng, p.given);
    match p.middle {
        Some(m) => match rng.below(4) {
            0 | 1 => format!("{given} {}", m.forms()[0]),
            2 => format!("{given} {}", initial(m.forms()[0])),
            _ => given,
        },
        None => given,
    }
}

/// The surname as one record writes it; `at_birth` for a baptism.
fn surname_form(rng: &mut Rng, p: &Person, at_birth: bool) -> String {
    let index = match p.married {
        Some(m) if !at_birth && rng.chance(0.75) => m,
        _ => p.surname,
    };
    let mut forms = surname_forms(p.culture, index);
    let s = if forms.len() > 1 && rng.chance(0.18) {
        let i = 1 + rng.below(forms.len() - 1);
        forms.swap_remove(i)
    } else {
        forms.swap_remove(0)
    };
    if rng.chance(0.025) {
        typo(rng, &s)
    } else {
        s
    }
}

fn place_form(rng: &mut Rng, p: &Person) -> String {
    if rng.chance(0.1) {
        return String::new();
    }
    let forms = CULTURES[p.culture].places[p.place];
    if forms.len() > 1 && rng.chance(0.35) {
        forms[1 + rng.below(forms.len() - 1)].to_string()
    } else {
        forms[0].to_string()
    }
}

fn occupation_form(rng: &mut Rng, p: &Person, missing: f64) -> String {
    if rng.chance(missing) {
        return String::new();
    }
    let words = OCCUPATIONS[p.occupation].0;
    if rng.chance(0.6) {
        words[0].to_string()
    } else {
        rng.pick(words).to_string()
    }
}

/// How much of a date one record knows and how well.
enum Known {
    Full(i32, u32, u32),
    Month(i32, u32),
    Year(i32),
    About(i32),
    Doubtful(i32),
    Missing,
}

fn known_birth(rng: &mut Rng, date: (i32, u32, u32)) -> Known {
    let (mut y, mut m, mut d) = date;
    if rng.chance(0.05) {
        y += if rng.chance(0.5) { 1 } else { -1 };
    }
    if d <= 12 && d != m && rng.chance(0.06) {
        std::mem::swap(&mut m, &mut d);
    }
    d = d.min(days_in(m, y));
    let x = rng.unit();
    if x < 0.5 {
        Known::Full(y, m, d)
    } else if x < 0.62 {
        Known::Month(y, m)
    } else if x < 0.82 {
        Known::Year(y)
    } else if x < 0.88 {
        Known::About(y)
    } else if x < 0.92 {
        Known::Doubtful(y)
    } else {
        Known::Missing
    }
}

fn iso(k: &Known) -> String {
    match *k {
        Known::Full(y, m, d) => format!("{y}-{m:02}-{d:02}"),
        Known::Month(y, m) => format!("{y}-{m:02}"),
        Known::Year(y) | Known::About(y) | Known::Doubtful(y) => y.to_string(),
        Known::Missing => String::new(),
    }
}

fn in_words(rng: &mut Rng, k: &Known) -> String {
    let month = |m: u32| MONTHS[(m - 1) as usize];
    match *k {
        Known::Full(y, m, d) => match rng.below(4) {
            0 | 1 => format!("{d} {} {y}", month(m)),
            2 => format!("{} {d}, {y}", month(m)),
            _ => format!("{d}.{m}.{y}"),
        },
        Known::Month(y, m) => {
            if rng.chance(0.5) {
                format!("{} {y}", month(m))
            } else {
                format!("{}. {y}", &month(m)[..3])
            }
        }
        Known::Year(y) => y.to_string(),
        Known::About(y) => {
            if rng.chance(0.7) {
                format!("c. {y}")
            } else {
                format!("ca. {y}")
            }
        }
        Known::Doubtful(y) => format!("{y}?"),
        Known::Missing => String::new(),
    }
}

/// The name field of a biographical entry: title, names, suffix, in
/// `First Last` or `Last, First` order; a married woman now and then with
/// her maiden name (`née`).
fn full_name(rng: &mut Rng, p: &Person) -> String {
    let given = forenames(rng, p);
    let surname = surname_form(rng, p, false);
    let mut name = if rng.chance(0.3) {
        let surname = if rng.chance(0.2) {
            surname.to_uppercase()
        } else {
            surname
        };
        format!("{surname}, {given}")
    } else {
        format!("{given} {surname}")
    };
    if let Some(t) = p.title.filter(|_| rng.chance(0.55)) {
        if name.contains(',') {
            name = format!("{name}, {t}");
        } else {
            name = format!("{t} {name}");
        }
    }
    if let Some(s) = p.suffix.filter(|_| rng.chance(0.4)) {
        name = format!("{name} {s}");
    }
    if let Some(m) = p.married.filter(|_| rng.chance(0.12)) {
        let maiden = surname_forms(p.culture, p.surname).swap_remove(0);
        if m != p.surname && !name.contains(&maiden) {
            name = format!("{name} (née {maiden})");
        }
    }
    name
}

fn sex_form(rng: &mut Rng, p: &Person) -> &'static str {
    match (rng.below(8), p.female) {
        (0, _) => "",
        (1, false) => "male",
        (1, true) => "female",
        (_, false) => "M",
        (_, true) => "F",
    }
}

/// Census years the records know, and the census night.
const CENSUS_YEARS: std::ops::RangeInclusive<i32> = 179..=190;

fn census_row(rng: &mut Rng, p: &Person, id: &str) -> Option<Vec<String>> {
    let alive_to = p.death.map_or(p.birth.0 + 70, |d| d.0);
    let years: Vec<i32> = CENSUS_YEARS
        .map(|y| y * 10)
        .filter(|&y| y > p.birth.0 + 1 && y < alive_to)
        .collect();
    if years.is_empty() {
        return None;
    }
    let year = *rng.pick(&years);
    let (night_m, night_d) = (3 + rng.below(3) as u32, 1 + rng.below(28) as u32);
    let mut age = year - p.birth.0;
    if (p.birth.1, p.birth.2) > (night_m, night_d) {
        age -= 1;
    }
    if rng.chance(0.15) {
        age += if rng.chance(0.5) { 1 } else { -1 };
    }
    let surname = surname_form(rng, p, false);
    Some(vec![
        id.to_string(),
        if rng.chance(0.3) {
            surname.to_uppercase()
        } else {
            surname
        },
        forenames(rng, p),
        sex_form(rng, p).to_string(),
        if rng.chance(0.05) {
            String::new()
        } else {
            age.max(0).to_string()
        },
        format!("{year}-{night_m:02}-{night_d:02}"),
        place_form(rng, p),
        occupation_form(rng, p, 0.25),
    ])
}

/// One record of `p` in source `source`, or `None` when that source cannot
/// hold them (a census before they were born).
fn row(rng: &mut Rng, p: &Person, source: usize, id: &str) -> Option<Vec<String>> {
    Some(match source {
        0 => {
            let mut first = forenames(rng, p);
            if let Some(t) = p.title.filter(|_| rng.chance(0.25)) {
                first = format!("{t} {first}");
            }
            let mut last = surname_form(rng, p, false);
            if let Some(s) = p.suffix.filter(|_| rng.chance(0.35)) {
                last = format!("{last} {s}");
            }
            let death = match p.death {
                Some(d) if rng.chance(0.7) => iso(&known_birth(rng, d)),
                _ => String::new(),
            };
            vec![
                id.to_string(),
                first,
                last,
                iso(&known_birth(rng, p.birth)),
                place_form(rng, p),
                death,
                occupation_form(rng, p, 0.15),
                sex_form(rng, p).to_string(),
            ]
        }
        1 => {
            let known = known_birth(rng, p.birth);
            vec![
                id.to_string(),
                full_name(rng, p),
                in_words(rng, &known),
                place_form(rng, p),
                {
                    let o = occupation_form(rng, p, 0.2);
                    let mut chars = o.chars();
                    match chars.next() {
                        Some(c) => c.to_uppercase().chain(chars).collect(),
                        None => o,
                    }
                },
            ]
        }
        2 => {
            let (by, bm, bd) = match known_birth(rng, p.birth) {
                Known::Full(y, m, d) => (y.to_string(), month_part(rng, m), d.to_string()),
                Known::Month(y, m) => (y.to_string(), month_part(rng, m), String::new()),
                Known::Year(y) | Known::About(y) | Known::Doubtful(y) => {
                    (y.to_string(), String::new(), String::new())
                }
                Known::Missing => (String::new(), String::new(), String::new()),
            };
            let surname = surname_form(rng, p, true);
            let mut given = given_form(rng, p.given);
            if let Some(m) = p.middle.filter(|_| rng.chance(0.5)) {
                given = format!("{given} {}", m.forms()[0]);
            }
            vec![
                id.to_string(),
                given,
                if rng.chance(0.3) {
                    surname.to_uppercase()
                } else {
                    surname
                },
                by,
                bm,
                bd,
                place_form(rng, p),
            ]
        }
        _ => return census_row(rng, p, id),
    })
}

fn month_part(rng: &mut Rng, m: u32) -> String {
    if rng.chance(0.1) {
        MONTHS[(m - 1) as usize][..3].to_string()
    } else {
        m.to_string()
    }
}

fn pick_source(rng: &mut Rng) -> usize {
    let mut x = rng.unit();
    for (i, s) in SOURCES.iter().enumerate() {
        x -= s.2;
        if x < 0.0 {
            return i;
        }
    }
    SOURCES.len() - 1
}

/// The people, about one per ten records, with relatives among them.
fn people(rng: &mut Rng, records: usize, born_from: i32) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut total = 0;
    while total < records {
        let mut base = new_person(rng, people.len(), born_from);
        let mut family = Vec::new();
        if rng.chance(0.3) {
            let r = relative(rng, &mut base, people.len() + 1, born_from);
            family.push(r);
        }
        for p in std::iter::once(base).chain(family) {
            if total >= records {
                break;
            }
            let mut p = p;
            p.entity = people.len();
            p.records = p.records.min(records - total);
            total += p.records;
            people.push(p);
        }
    }
    people
}

type Rows = Vec<(u64, Vec<String>)>;

fn write(dir: &Path, tables: &[Rows; 4], truth: &[(usize, String, usize)]) -> csv::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (i, (name, header, _)) in SOURCES.iter().enumerate() {
        let mut w = csv::Writer::from_path(dir.join(format!("{name}.csv")))?;
        w.write_record(header.split(','))?;
        for (_, r) in &tables[i] {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    let mut w = csv::Writer::from_path(dir.join("truth.csv"))?;
    w.write_record(["source", "record_id", "entity_id"])?;
    for (source, id, entity) in truth {
        w.write_record([SOURCES[*source].0, id, &format!("H{entity:07}")])?;
    }
    w.flush()?;
    Ok(())
}

fn main() -> ExitCode {
    let mut records = 10_000usize;
    let mut seed = 1u64;
    let mut born_from = 1620i32;
    let mut out = PathBuf::from("historical");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        let ok = match (a.as_str(), value) {
            ("--records", Some(v)) => v.parse().map(|n| records = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).is_ok(),
            ("--born-from", Some(v)) => v
                .parse()
                .map(|n| born_from = n)
                .is_ok_and(|()| born_from < LAST_BIRTH_YEAR),
            ("--out", Some(v)) => {
                out = v.into();
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!(
                "usage: historical [--records N] [--seed S] [--born-from YEAR (before {LAST_BIRTH_YEAR}, default 1620)] [--out DIR]"
            );
            return ExitCode::from(2);
        }
    }
    let mut rng = Rng(seed);
    let people = people(&mut rng, records, born_from);
    let mut tables: [Rows; 4] = Default::default();
    let mut counters = [0usize; 4];
    let mut truth = Vec::with_capacity(records);
    for p in &people {
        for _ in 0..p.records {
            // A record the chosen source cannot hold goes to another.
            let mut source = pick_source(&mut rng);
            loop {
                counters[source] += 1;
                let prefix = ["R", "B", "P", "C"][source];
                let id = format!("{prefix}{:07}", counters[source]);
                if let Some(r) = row(&mut rng, p, source, &id) {
                    tables[source].push((rng.next(), r));
                    truth.push((source, id, p.entity));
                    break;
                }
                counters[source] -= 1;
                source = (source + 1) % SOURCES.len();
            }
        }
    }
    // Archives are not sorted by person: each file in a random order.
    for t in &mut tables {
        t.sort_by_key(|(k, _)| *k);
    }
    truth.sort_by_key(|(s, id, _)| (*s, id.clone()));
    if let Err(e) = write(&out, &tables, &truth) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let largest = people.iter().map(|p| p.records).max().unwrap_or(0);
    println!(
        "{} people, {} records ({}) written to {}; largest person {largest} records",
        people.len(),
        truth.len(),
        SOURCES
            .iter()
            .zip(&tables)
            .map(|((n, _, _), t)| format!("{n} {}", t.len()))
            .collect::<Vec<_>>()
            .join(", "),
        out.display()
    );
    ExitCode::SUCCESS
}
