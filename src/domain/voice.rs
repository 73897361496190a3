//! What the kiosk says aloud, and when: the prompt catalogue (`data/voice/prompts.toml`,
//! built into the binary), the clip sequences that speak a ticket number, and the rules for
//! speaking at all. No sound here: the player (`crate::services::voice`) turns an
//! [`Utterance`] into samples.
//!
//! Numbers are spoken by joining part clips ("A", "零", "二", "三", "号") with gaps, so a
//! hall's recordings of a few dozen short clips cover every ticket.

use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::Time;

use super::hours::DailyRange;
use crate::platform::config::Locale;

/// What a prompt is for; `kiosk voice list` groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    /// What to do on a screen, said when it is entered.
    Screen,
    /// The lead-ins of a ticket announcement.
    Ticket,
    /// A letter, digit or "号": joined to speak numbers.
    Part,
    /// Something is wrong (paper out, no network).
    Fault,
    /// Goodbyes and reminders.
    Ending,
}

/// One prompt of the catalogue with its text in each language. An empty text means the
/// language says nothing there (English has no word for "号").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Prompt {
    pub id: String,
    pub kind: PromptKind,
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
    pub en: String,
    pub bo: String,
}

impl Prompt {
    pub fn text(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhCn => &self.zh_cn,
            Locale::ZhTw => &self.zh_tw,
            Locale::En => &self.en,
            Locale::Bo => &self.bo,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PromptsError {
    #[error("the prompt catalogue is not valid TOML of [[prompt]] tables: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("prompt id {0:?} appears twice")]
    Duplicate(String),
    #[error("prompt id {0:?} is not lowercase letters, digits and '-'")]
    BadId(String),
}

/// The catalogue of every prompt, in the file's order.
#[derive(Debug, Clone)]
pub struct Prompts {
    list: Vec<Prompt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptFile {
    prompt: Vec<Prompt>,
}

/// Every clip id a spoken number may use, besides the ticket prompts.
const DIGITS: [&str; 10] = [
    "digit-0", "digit-1", "digit-2", "digit-3", "digit-4", "digit-5", "digit-6", "digit-7",
    "digit-8", "digit-9",
];

impl Prompts {
    /// The catalogue the kiosk was built with.
    pub fn builtin() -> &'static Prompts {
        static BUILTIN: OnceLock<Prompts> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Prompts::parse(include_str!("../../data/voice/prompts.toml"))
                .expect("data/voice/prompts.toml is checked by the unit tests")
        })
    }

    pub fn parse(text: &str) -> Result<Prompts, PromptsError> {
        let file: PromptFile = toml::from_str(text)?;
        let mut seen = std::collections::HashSet::new();
        for p in &file.prompt {
            let well_formed = !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !well_formed {
                return Err(PromptsError::BadId(p.id.clone()));
            }
            if !seen.insert(p.id.clone()) {
                return Err(PromptsError::Duplicate(p.id.clone()));
            }
        }
        Ok(Prompts { list: file.prompt })
    }

    pub fn get(&self, id: &str) -> Option<&Prompt> {
        self.list.iter().find(|p| p.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Prompt> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// One step of an utterance: a clip, or a silence between clips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Clip(String),
    Gap(Duration),
}

/// A sequence of clips to play as one: a screen's prompt, or a ticket announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    /// The prompt it speaks, for the player's log and the test's check (never personal).
    pub prompt: String,
    pub steps: Vec<Step>,
}

/// Between the clips of one number: slow enough for an elderly listener to follow.
const BETWEEN_PARTS: Duration = Duration::from_millis(160);
/// Between the phrases of an announcement ("您的号码是" | "A023号" | "请到三号窗口").
const BETWEEN_PHRASES: Duration = Duration::from_millis(350);
/// Between two sentences joined into one utterance.
const BETWEEN_SENTENCES: Duration = Duration::from_millis(600);
/// Before the announcement is said the second time.
const BEFORE_REPEAT: Duration = Duration::from_millis(1200);

impl Utterance {
    /// A single prompt.
    pub fn prompt(id: &str) -> Utterance {
        Utterance {
            prompt: id.to_owned(),
            steps: vec![Step::Clip(id.to_owned())],
        }
    }

    /// The issued ticket, twice: "您的号码是 A 零 二 三 号，请到 三 号窗口". `windows` is the
    /// category's window list as the slip prints it ("3", "3, 5" or a name); the window part
    /// is said only when every window is a number.
    pub fn ticket(number: &str, windows: &str, locale: Locale) -> Utterance {
        let mut once = vec![
            Step::Clip("ticket-issued".into()),
            Step::Gap(BETWEEN_PHRASES),
        ];
        once.extend(spell(number));
        once.push(Step::Gap(BETWEEN_PARTS));
        once.push(Step::Clip("hao".into()));
        let windows = window_numbers(windows);
        if !windows.is_empty() {
            once.push(Step::Gap(BETWEEN_PHRASES));
            once.push(Step::Clip("ticket-window-before".into()));
            for (i, n) in windows.iter().enumerate() {
                once.push(Step::Gap(if i == 0 {
                    BETWEEN_PARTS
                } else {
                    BETWEEN_PHRASES
                }));
                once.extend(say_number(*n, locale));
            }
            once.push(Step::Gap(BETWEEN_PARTS));
            once.push(Step::Clip("ticket-window-after".into()));
        }
        let mut steps = once.clone();
        steps.push(Step::Gap(BEFORE_REPEAT));
        steps.extend(once);
        Utterance {
            prompt: "ticket-issued".into(),
            steps,
        }
    }

    /// This utterance, then another prompt after a pause.
    pub fn then(mut self, id: &str) -> Utterance {
        self.steps.push(Step::Gap(BETWEEN_SENTENCES));
        self.steps.push(Step::Clip(id.to_owned()));
        self
    }

    /// The clip ids in order, gaps left out.
    pub fn clips(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|s| match s {
            Step::Clip(id) => Some(id.as_str()),
            Step::Gap(_) => None,
        })
    }
}

/// A ticket number letter by letter and digit by digit, as a caller reads it ("A023" is
/// "A 零 二 三", not "A 二十三"). Characters with no clip are left out.
fn spell(number: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for c in number.chars() {
        let clip = if let Some(d) = c.to_digit(10) {
            DIGITS[d as usize].to_string()
        } else if c.is_ascii_alphabetic() {
            format!("letter-{}", c.to_ascii_lowercase())
        } else {
            continue;
        };
        if !steps.is_empty() {
            steps.push(Step::Gap(BETWEEN_PARTS));
        }
        steps.push(Step::Clip(clip));
    }
    steps
}

/// A window number as a number: "十二" in Chinese; digit by digit in other languages, which
/// callers understand too (the English pack has no "twelve", and Tibetan tens are words of
/// their own, ཉི་ཤུ for 20, not "two ten").
fn say_number(n: u32, locale: Locale) -> Vec<Step> {
    let chinese = matches!(locale, Locale::ZhCn | Locale::ZhTw);
    let clip = |id: &str| Step::Clip(id.to_owned());
    if chinese && (10..100).contains(&n) {
        let (tens, ones) = (n / 10, n % 10);
        let mut steps = Vec::new();
        if tens > 1 {
            steps.push(clip(DIGITS[tens as usize]));
        }
        steps.push(clip("ten"));
        if ones > 0 {
            steps.push(clip(DIGITS[ones as usize]));
        }
        return steps;
    }
    spell(&n.to_string())
}

/// The windows of "3, 5" or "3号窗口、5号窗口" as numbers; empty when any is not a number
/// (a named counter is better left to the screen than half-spoken).
fn window_numbers(windows: &str) -> Vec<u32> {
    let parts: Vec<&str> = windows
        .split([',', '，', '、', ' ', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut numbers = Vec::new();
    for part in parts {
        let digits = part
            .trim_end_matches("号窗口")
            .trim_end_matches("號窗口")
            .trim_end_matches('号')
            .trim_end_matches('號');
        match digits.parse::<u32>() {
            Ok(n) if n < 1000 => numbers.push(n),
            _ => return Vec::new(),
        }
    }
    numbers
}

/// When the kiosk speaks (`[audio] voice`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VoiceMode {
    /// Never, and no speaker button.
    Off,
    /// In 长辈模式 (elderly mode), or when the citizen pressed the speaker button.
    #[default]
    Elderly,
    /// For everyone.
    Always,
}

impl VoiceMode {
    /// Whether a screen's prompt is said unasked. `asked`: the citizen pressed the speaker
    /// button in this session.
    pub fn speaks(self, elderly: bool, asked: bool) -> bool {
        match self {
            VoiceMode::Off => false,
            VoiceMode::Elderly => elderly || asked,
            VoiceMode::Always => true,
        }
    }
}

/// The volume in force: the configured one, or the quiet-hours one inside quiet hours.
pub fn volume_at(normal: u8, quiet: Option<(DailyRange, u8)>, now: Time) -> u8 {
    match quiet {
        Some((range, quiet)) if range.contains(now) => quiet.min(100),
        _ => normal.min(100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(u: &Utterance) -> Vec<&str> {
        u.clips().collect()
    }

    #[test]
    fn the_built_in_catalogue_parses_and_has_every_clip_a_number_needs() {
        let prompts = Prompts::builtin();
        for id in DIGITS.iter().copied().chain([
            "ten",
            "hao",
            "ticket-issued",
            "ticket-window-before",
            "ticket-window-after",
        ]) {
            assert!(prompts.get(id).is_some(), "{id} missing");
        }
        for c in 'a'..='z' {
            assert!(prompts.get(&format!("letter-{c}")).is_some(), "letter-{c}");
        }
        // Every citizen-facing prompt speaks Mandarin.
        for p in prompts.iter() {
            assert!(!p.zh_cn.is_empty(), "{} has no zh-CN text", p.id);
        }
    }

    #[test]
    fn a_ticket_is_spelled_digit_by_digit_and_said_twice_with_its_window() {
        let u = Utterance::ticket("A023", "3", Locale::ZhCn);
        let once = [
            "ticket-issued",
            "letter-a",
            "digit-0",
            "digit-2",
            "digit-3",
            "hao",
            "ticket-window-before",
            "digit-3",
            "ticket-window-after",
        ];
        let expected: Vec<&str> = once.iter().chain(once.iter()).copied().collect();
        assert_eq!(ids(&u), expected);
        assert_eq!(u.prompt, "ticket-issued");
        assert!(u.steps.contains(&Step::Gap(BEFORE_REPEAT)));
    }

    #[test]
    fn window_twelve_is_shi_er_in_chinese_and_digit_by_digit_elsewhere() {
        let zh = Utterance::ticket("B1", "12", Locale::ZhCn);
        let window: Vec<&str> = ids(&zh)
            .into_iter()
            .skip_while(|c| *c != "ticket-window-before")
            .take(4)
            .collect();
        assert_eq!(
            window,
            [
                "ticket-window-before",
                "ten",
                "digit-2",
                "ticket-window-after"
            ]
        );
        let twenty = say_number(20, Locale::ZhCn);
        assert_eq!(
            twenty,
            vec![Step::Clip("digit-2".into()), Step::Clip("ten".into())]
        );
        let bo = Utterance::ticket("B1", "20", Locale::Bo);
        assert!(ids(&bo)
            .windows(3)
            .any(|w| w == ["ticket-window-before", "digit-2", "digit-0"]));
        let en = Utterance::ticket("B1", "12", Locale::En);
        assert!(ids(&en)
            .windows(3)
            .any(|w| w == ["ticket-window-before", "digit-1", "digit-2"]));
    }

    #[test]
    fn named_windows_are_not_half_spoken() {
        let u = Utterance::ticket("C7", "综合窗口", Locale::ZhCn);
        assert!(!ids(&u).contains(&"ticket-window-before"));
        let both = Utterance::ticket("C7", "3号窗口、5号窗口", Locale::ZhCn);
        let digits: Vec<&str> = ids(&both)
            .into_iter()
            .skip_while(|c| *c != "ticket-window-before")
            .take(4)
            .collect();
        assert_eq!(
            digits,
            [
                "ticket-window-before",
                "digit-3",
                "digit-5",
                "ticket-window-after"
            ]
        );
    }

    #[test]
    fn voice_mode_decides_who_hears_prompts() {
        assert!(!VoiceMode::Off.speaks(true, true));
        assert!(VoiceMode::Elderly.speaks(true, false));
        assert!(!VoiceMode::Elderly.speaks(false, false));
        assert!(VoiceMode::Elderly.speaks(false, true));
        assert!(VoiceMode::Always.speaks(false, false));
    }

    #[test]
    fn quiet_hours_over_midnight_lower_the_volume() {
        let night = DailyRange::parse("21:00-08:00").unwrap();
        let t = |h, m| Time::from_hms(h, m, 0).unwrap();
        assert_eq!(volume_at(80, Some((night, 30)), t(22, 15)), 30);
        assert_eq!(volume_at(80, Some((night, 30)), t(7, 59)), 30);
        assert_eq!(volume_at(80, Some((night, 30)), t(8, 0)), 80);
        assert_eq!(volume_at(80, None, t(23, 0)), 80);
        let lunch = DailyRange::parse("12:00-13:30").unwrap();
        assert!(lunch.contains(t(12, 30)) && !lunch.contains(t(13, 30)));
        assert!(DailyRange::parse("9-10").is_err());
        assert!(DailyRange::parse("21:00").is_err());
    }

    #[test]
    fn a_broken_catalogue_is_a_clear_error() {
        let twice = "[[prompt]]\nid='a'\nkind='screen'\nzh-CN='x'\nzh-TW=''\nen=''\nbo=''\n";
        let err = Prompts::parse(&format!("{twice}{twice}")).unwrap_err();
        assert!(matches!(err, PromptsError::Duplicate(ref id) if id == "a"));
        let bad = twice.replace("id='a'", "id='A b'");
        assert!(matches!(Prompts::parse(&bad), Err(PromptsError::BadId(_))));
        assert!(matches!(
            Prompts::parse("prompt = 3"),
            Err(PromptsError::Syntax(_))
        ));
    }
}
