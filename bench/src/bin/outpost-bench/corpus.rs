//! The benchmark corpus: real text from Debian (package descriptions in English and Korean, Thai
//! gettext catalogues), cut and combined into knowledge-base articles. Deterministic: article `i`
//! is the same in every run and at every corpus size, so a smaller corpus is a prefix of a larger.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use outpost::model::{ArticleContent, Classification, HsCode, Kind, KnowledgeMap, Lang};
use outpost::nomenclature::Nomenclature;

/// Bump when the way articles are built changes: cached Markdown and SQLite copies are rebuilt.
pub const CORPUS_VERSION: u32 = 1;

/// One package description: its short line and its long text as Markdown.
pub struct Desc {
    pub package: String,
    pub short: String,
    pub long: String,
}

/// The real text, loaded once.
pub struct Sources {
    pub en: Vec<Desc>,
    pub ko: Vec<Desc>,
    /// Thai strings in catalogue order (related strings sit together).
    pub th: Vec<String>,
    /// Thai strings short enough for a title or heading (indices into `th`).
    th_short: Vec<usize>,
    /// A fingerprint of the source files, so caches built from other sources are not reused.
    pub fingerprint: String,
}

/// Where the sources live; fetched by `scripts/bench-corpus.sh` when missing.
pub fn ensure_sources(root: &Path) -> Result<PathBuf> {
    let sources = root.join("sources");
    if !sources.join("MANIFEST.txt").is_file() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/bench-corpus.sh");
        eprintln!("fetching the corpus sources with {}", script.display());
        let status = std::process::Command::new("bash")
            .arg(&script)
            .arg(&sources)
            .status()
            .with_context(|| format!("cannot run {}", script.display()))?;
        if !status.success() {
            bail!("{} failed ({status})", script.display());
        }
    }
    Ok(sources)
}

impl Sources {
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            fs::read_to_string(dir.join(name))
                .with_context(|| format!("cannot read {}", dir.join(name).display()))
        };
        let en_text = read("Translation-en.txt")?;
        let ko_text = read("Translation-ko.txt")?;
        let en = parse_translation(&en_text, "Description-en:");
        let ko = parse_translation(&ko_text, "Description-ko:");
        let mut mo_files: Vec<PathBuf> = fs::read_dir(dir.join("th-mo"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mo"))
            .collect();
        mo_files.sort();
        let mut seen = HashSet::new();
        let mut th = Vec::new();
        let mut hasher = blake3::Hasher::new();
        hasher.update(en_text.as_bytes());
        hasher.update(ko_text.as_bytes());
        for path in &mo_files {
            let bytes = fs::read(path)?;
            hasher.update(&bytes);
            for s in mo_strings(&bytes).with_context(|| format!("{}", path.display()))? {
                let s = clean_ui_string(&s);
                if s.chars().count() >= 2 && s.chars().any(is_thai) && seen.insert(s.clone()) {
                    th.push(s);
                }
            }
        }
        let th_short = (0..th.len())
            .filter(|&i| (4..=60).contains(&th[i].chars().count()))
            .collect::<Vec<_>>();
        if en.len() < 1000 || ko.len() < 100 || th_short.len() < 100 {
            bail!(
                "too little text in {} ({} English, {} Korean, {} Thai strings): refetch with scripts/bench-corpus.sh",
                dir.display(),
                en.len(),
                ko.len(),
                th.len()
            );
        }
        Ok(Sources {
            en,
            ko,
            th,
            th_short,
            fingerprint: hasher.finalize().to_hex()[..16].to_string(),
        })
    }

    pub fn describe(&self) -> String {
        let th_bytes: usize = self.th.iter().map(String::len).sum();
        format!(
            "{} English descriptions, {} Korean descriptions, {} Thai strings ({:.1} MB)",
            self.en.len(),
            self.ko.len(),
            self.th.len(),
            th_bytes as f64 / 1e6
        )
    }

    /// Marker for caches: corpus version, sources and size.
    pub fn cache_key(&self, articles: usize) -> String {
        format!(
            "corpus-v{CORPUS_VERSION} sources-{} articles-{articles}",
            self.fingerprint
        )
    }
}

fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Parses an apt `Translation-xx` file into descriptions, deduplicated by their text.
fn parse_translation(text: &str, field: &str) -> Vec<Desc> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for record in text.split("\n\n") {
        let mut package = "";
        let mut short = None;
        let mut long_lines = Vec::new();
        let mut in_desc = false;
        for line in record.lines() {
            if let Some(rest) = line.strip_prefix("Package:") {
                package = rest.trim();
                in_desc = false;
            } else if let Some(rest) = line.strip_prefix(field) {
                short = Some(rest.trim().to_string());
                in_desc = true;
            } else if in_desc && line.starts_with(' ') {
                long_lines.push(&line[1..]);
            } else {
                in_desc = false;
            }
        }
        let Some(short) = short.filter(|s| !s.is_empty()) else {
            continue;
        };
        let long = description_markdown(&long_lines);
        if long.len() < 40 || !seen.insert((short.clone(), long.clone())) {
            continue;
        }
        out.push(Desc {
            package: package.to_string(),
            short,
            long,
        });
    }
    out
}

/// Debian's description format as Markdown: ` .` separates paragraphs, `*`/`-`/`+` start list
/// items, more-indented lines are kept as they are.
fn description_markdown(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed == "." {
            out.push_str("\n\n");
            continue;
        }
        let item = ["* ", "- ", "+ ", "o "]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p));
        if let Some(item) = item {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("- ");
            out.push_str(item);
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(trimmed);
        }
    }
    out.trim().to_string()
}

/// The translated strings of a GNU `.mo` catalogue (the first plural form of each).
fn mo_strings(bytes: &[u8]) -> Result<Vec<String>> {
    let word = |at: usize, le: bool| -> Result<usize> {
        let b: [u8; 4] = bytes
            .get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .context("truncated .mo file")?;
        Ok(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        } as usize)
    };
    let le = match word(0, true)? {
        0x9504_12de => true,
        0xde12_0495 => false,
        _ => bail!("not a .mo file"),
    };
    let count = word(8, le)?;
    let translations = word(16, le)?;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let len = word(translations + 8 * i, le)?;
        let at = word(translations + 8 * i + 4, le)?;
        let raw = bytes.get(at..at + len).context("truncated .mo string")?;
        let first = raw.split(|&b| b == 0).next().unwrap_or_default();
        if let Ok(s) = std::str::from_utf8(first) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

/// Drops UI mnemonic markers (`~`, `_`, `(_O)`) and folds newlines.
fn clean_ui_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' && chars.get(i + 1) == Some(&'_') && chars.get(i + 3) == Some(&')') {
            i += 4;
            continue;
        }
        match c {
            '~' | '_' => {}
            '\n' | '\t' | '\r' => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SplitMix64: a tiny, stable pseudo-random sequence (seeded per article).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Walks a pool in shuffled order, reshuffling (with another seed) each time it is used up, so
/// each description is used once before any is used again.
struct Deck {
    order: Vec<usize>,
    at: usize,
    round: u64,
    salt: u64,
}

impl Deck {
    fn new(len: usize, salt: u64) -> Self {
        let mut deck = Deck {
            order: (0..len).collect(),
            at: 0,
            round: 0,
            salt,
        };
        deck.shuffle();
        deck
    }
    fn shuffle(&mut self) {
        let mut rng = Rng::new(self.salt.wrapping_mul(1_000_003).wrapping_add(self.round));
        for i in (1..self.order.len()).rev() {
            let j = rng.below(i + 1);
            self.order.swap(i, j);
        }
    }
    /// The next index and whether the pool has been used up at least once before.
    fn draw(&mut self) -> (usize, bool) {
        if self.at == self.order.len() {
            self.round += 1;
            self.at = 0;
            self.shuffle();
        }
        let i = self.order[self.at];
        self.at += 1;
        (i, self.round > 0)
    }
}

/// One benchmark article.
pub struct BenchArticle {
    pub index: usize,
    pub content: ArticleContent,
}

/// Yields the articles 0, 1, 2, … in order.
pub struct Generator<'a> {
    src: &'a Sources,
    categories: Vec<String>,
    en: Deck,
    ko: Deck,
    hs_by_chapter: Vec<Vec<String>>,
    next: usize,
}

impl<'a> Generator<'a> {
    pub fn new(src: &'a Sources) -> Self {
        let categories = KnowledgeMap::builtin()
            .categories
            .into_iter()
            .map(|c| c.id)
            .collect();
        let mut hs_by_chapter = vec![Vec::new(); 100];
        for entry in Nomenclature::builtin().entries() {
            if entry.level == 6
                && let Ok(chapter) = entry.code[..2].parse::<usize>()
                && chapter < 100
            {
                hs_by_chapter[chapter].push(entry.code.clone());
            }
        }
        Generator {
            src,
            categories,
            en: Deck::new(src.en.len(), 1),
            ko: Deck::new(src.ko.len(), 2),
            hs_by_chapter,
            next: 0,
        }
    }

    /// Which language article `i` is in: 80% English, 10% Thai, 10% Korean.
    pub fn lang_of(i: usize) -> Lang {
        match i % 20 {
            3 | 13 => Lang::Th,
            7 | 17 => Lang::Ko,
            _ => Lang::En,
        }
    }

    fn descriptions(&mut self, lang: Lang, rng: &mut Rng) -> Result<ArticleContent> {
        let parts = 2 + rng.below(4);
        let (pool, deck) = match lang {
            Lang::Ko => (&self.src.ko, &mut self.ko),
            _ => (&self.src.en, &mut self.en),
        };
        let mut picked = Vec::with_capacity(parts);
        let mut reused = false;
        for _ in 0..parts {
            let (i, again) = deck.draw();
            reused |= again;
            picked.push(&pool[i]);
        }
        let first = picked[0];
        let mut title = first.short.clone();
        if reused {
            // A description seen before: name the companion package so titles stay varied.
            title = format!("{title} ({})", picked[1].package);
        }
        let summary = first_sentence(&first.long, 160);
        let mut body = first.long.clone();
        for d in &picked[1..] {
            body.push_str("\n\n## ");
            body.push_str(&capitalize(&d.short));
            body.push_str("\n\n");
            body.push_str(&d.long);
        }
        let tags = picked
            .iter()
            .take(2)
            .map(|d| truncate(&d.package.to_lowercase(), 64))
            .collect();
        Ok(content(truncate(&title, 200), summary, body, tags, lang))
    }

    fn thai(&mut self, rng: &mut Rng) -> ArticleContent {
        let th = &self.src.th;
        let short =
            |rng: &mut Rng| th[self.src.th_short[rng.below(self.src.th_short.len())]].clone();
        let title = short(rng);
        let sections = 2 + rng.below(3);
        let mut body = String::new();
        let mut summary = String::new();
        for s in 0..sections {
            if s > 0 {
                body.push_str("\n\n## ");
                body.push_str(&short(rng));
                body.push_str("\n\n");
            }
            // A paragraph: a run of neighbouring strings from one catalogue.
            let len = 6 + rng.below(8);
            let start = rng.below(th.len().saturating_sub(len).max(1));
            let paragraph = th[start..(start + len).min(th.len())].join(" ");
            if s == 0 {
                summary = first_sentence(&paragraph, 160);
            }
            body.push_str(&paragraph);
        }
        content(truncate(&title, 200), summary, body, Vec::new(), Lang::Th)
    }

    fn hs_codes(&self, category: &str, rng: &mut Rng) -> Vec<HsCode> {
        let chapters: Vec<usize> = match category {
            "commodity/petroleum-in-bulk" => vec![27],
            "commodity/timber-wood" => vec![44],
            "commodity/gems-precious-metals" => vec![71],
            "commodity/vehicles-machinery" => vec![84, 87],
            "commodity/electronics" => vec![85],
            "commodity/agriculture-food" => (1..=24).collect(),
            "commodity/chemicals-hazardous" => (28..=38).collect(),
            "commodity/textiles-garments" => (50..=63).collect(),
            c if c.starts_with("commodity") => (1..=97).collect(),
            _ => return Vec::new(),
        };
        let count = 1 + rng.below(2);
        let mut out = Vec::new();
        for _ in 0..count {
            let chapter = chapters[rng.below(chapters.len())];
            let codes = &self.hs_by_chapter[chapter];
            if codes.is_empty() {
                continue;
            }
            if let Ok(code) = HsCode::parse(&codes[rng.below(codes.len())]) {
                out.push(code);
            }
        }
        out
    }

    pub fn next_article(&mut self) -> Result<BenchArticle> {
        let i = self.next;
        self.next += 1;
        let mut rng = Rng::new(i as u64);
        let lang = Self::lang_of(i);
        let mut content = match lang {
            Lang::Th => self.thai(&mut rng),
            _ => self.descriptions(lang, &mut rng)?,
        };
        content.category = self.categories[i % self.categories.len()].clone();
        content.hs_codes = self.hs_codes(&content.category, &mut rng);
        content.kind = Kind::ALL[i % Kind::ALL.len()];
        Ok(BenchArticle { index: i, content })
    }
}

fn content(
    title: String,
    summary: String,
    body: String,
    tags: Vec<String>,
    lang: Lang,
) -> ArticleContent {
    ArticleContent {
        title,
        summary,
        body,
        category: String::new(),
        tags,
        hs_codes: Vec::new(),
        lang,
        kind: Kind::Procedure,
        classification: Classification::Public,
        review_by: None,
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// The first sentence (or line) of `text`, at most `max_chars`.
fn first_sentence(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    let end = line.find(". ").map_or(line.len(), |at| at + 1);
    truncate(line[..end].trim(), max_chars)
}

/// One article as a Markdown file with front matter (what ripgrep searches).
pub fn markdown_file(a: &BenchArticle) -> String {
    let c = &a.content;
    let hs: Vec<String> = c.hs_codes.iter().map(ToString::to_string).collect();
    format!(
        "---\nid: bench-{:07}\ntitle: {}\ncategory: {}\nlang: {}\nkind: {}\ntags: {}\nhs: {}\n---\n\n# {}\n\n{}\n\n{}\n",
        a.index,
        c.title,
        c.category,
        c.lang,
        c.kind,
        c.tags.join(", "),
        hs.join(", "),
        c.title,
        c.summary,
        c.body
    )
}

/// Writes `articles` Markdown files under `dir` (1,000 per sub-directory), unless a complete
/// copy for the same corpus is there already. Returns the bytes written (or found).
pub fn write_markdown(src: &Sources, dir: &Path, articles: usize) -> Result<(u64, bool)> {
    let marker = dir.join(".complete");
    let key = src.cache_key(articles);
    if fs::read_to_string(&marker).ok().as_deref() == Some(key.as_str()) {
        return Ok((crate::stats::dir_size(dir)?, true));
    }
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    let mut generator = Generator::new(src);
    let mut bytes = 0u64;
    for i in 0..articles {
        let article = generator.next_article()?;
        let sub = dir.join(format!("{:04}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&sub)?;
        }
        let text = markdown_file(&article);
        bytes += text.len() as u64;
        let mut file = fs::File::create(sub.join(format!("{i:07}.md")))?;
        file.write_all(text.as_bytes())?;
    }
    fs::write(&marker, key)?;
    Ok((bytes, false))
}
