//! The fixed query set, written for each engine. Every word occurs in the corpus except the typo,
//! which occurs nowhere (checked against the sources when this set was chosen).

pub struct BenchQuery {
    /// What the row is about.
    pub label: &'static str,
    /// Outpost's query language, as an officer types it.
    pub outpost: &'static str,
    /// The same as an SQLite FTS5 MATCH expression (filters are columns of the FTS table).
    pub fts5: &'static str,
    /// ripgrep patterns (fixed strings, case-insensitive, OR-ed in one pass): the words, with
    /// filters approximated by the front-matter text they stand for.
    pub rg: &'static [&'static str],
}

pub const QUERIES: &[BenchQuery] = &[
    BenchQuery {
        label: "1 word",
        outpost: "firewall",
        fts5: r#""firewall""#,
        rg: &["firewall"],
    },
    BenchQuery {
        label: "1 common word",
        outpost: "kernel",
        fts5: r#""kernel""#,
        rg: &["kernel"],
    },
    BenchQuery {
        label: "2 words",
        outpost: "network monitoring",
        fts5: r#""network" "monitoring""#,
        rg: &["network", "monitoring"],
    },
    BenchQuery {
        label: "3 words",
        outpost: "command line tool",
        fts5: r#""command" "line" "tool""#,
        rg: &["command", "line", "tool"],
    },
    BenchQuery {
        label: "category filter",
        outpost: "category:commodity database",
        fts5: r#""database" category:"commodity""#,
        rg: &["database", "category: commodity"],
    },
    BenchQuery {
        label: "HS filter",
        outpost: "hs:85 data",
        fts5: r#""data" hs:"85""#,
        rg: &["data", "hs: 85"],
    },
    BenchQuery {
        label: "English typo",
        outpost: "netwrok",
        fts5: r#""netwrok""#,
        rg: &["netwrok"],
    },
    BenchQuery {
        label: "Thai, mid-sentence",
        outpost: "แฟ้ม",
        fts5: r#""แฟ้ม""#,
        rg: &["แฟ้ม"],
    },
    BenchQuery {
        label: "Thai",
        outpost: "ข้อมูล",
        fts5: r#""ข้อมูล""#,
        rg: &["ข้อมูล"],
    },
    BenchQuery {
        label: "Korean",
        outpost: "라이브러리",
        fts5: r#""라이브러리""#,
        rg: &["라이브러리"],
    },
];
