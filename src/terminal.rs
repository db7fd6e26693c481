//! What the human output needs to know about the terminal it is written to: how wide it is,
//! and a spinner on standard error while a network step runs.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The width when the output is not a terminal (a pipe, a file, CI's log).
pub const DEFAULT_WIDTH: usize = 80;
/// Narrower than this, wrapped lines would hold a word or two: lines are allowed to be longer.
const MIN_WIDTH: usize = 40;

/// The width text is laid out to: `COLUMNS` when set (as `ls` and clap read it), else the
/// terminal's when the text goes to standard output, else 80. The question is asked of stdout
/// itself: `terminal_size()` would answer with stderr's width when stdout is a pipe.
pub fn output_width(to_stdout: bool) -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok());
    let terminal = to_stdout
        .then(|| terminal_size::terminal_size_of(std::io::stdout()))
        .flatten()
        .map(|(w, _)| usize::from(w.0));
    width(columns, terminal)
}

fn width(columns: Option<usize>, terminal: Option<usize>) -> usize {
    columns
        .filter(|&c| c > 0)
        .or(terminal)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// Wraps text at spaces to `width` characters; lines already in the text stay lines (with
/// their indentation, which their continuation lines keep too), and a word longer than the
/// width (a URL, `x-honeycomb-team=<key>`) stays whole on its own line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let body = paragraph.trim_start_matches(' ');
        let indent = &paragraph[..paragraph.len() - body.len()];
        let paragraph = body;
        let width = width.saturating_sub(indent.len()).max(1);
        let mut line = String::from(indent);
        let mut length = 0;
        for word in paragraph.split(' ') {
            let word_length = word.chars().count();
            if length > 0 && length + 1 + word_length > width {
                lines.push(std::mem::replace(&mut line, String::from(indent)));
                length = 0;
            }
            if length > 0 {
                line.push(' ');
                length += 1;
            }
            line.push_str(word);
            length += word_length;
        }
        lines.push(line);
    }
    lines
}

/// A spinner drawn on standard error beside the step that is running, when standard error is
/// a terminal (nothing otherwise, so logs and pipes get no control characters). Dropping it
/// erases its line.
pub struct Spinner {
    running: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Starts spinning beside `label`, unless `enabled` is false or stderr is not a terminal.
    pub fn start(label: &str, enabled: bool) -> Option<Spinner> {
        if !enabled || !std::io::stderr().is_terminal() {
            return None;
        }
        const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let running = Arc::new(AtomicBool::new(true));
        let flag = Arc::clone(&running);
        // The line must fit, or the terminal wraps it and `\r` no longer erases all of it.
        let room = terminal_size::terminal_size_of(std::io::stderr())
            .map_or(DEFAULT_WIDTH, |(w, _)| usize::from(w.0))
            .saturating_sub(3);
        let label: String = label.chars().take(room).collect();
        let thread = std::thread::spawn(move || {
            let mut frame = 0;
            while flag.load(Ordering::Relaxed) {
                let mut stderr = std::io::stderr().lock();
                let _ = write!(stderr, "\r{} {label}", FRAMES[frame % FRAMES.len()]);
                let _ = stderr.flush();
                drop(stderr);
                frame += 1;
                std::thread::sleep(Duration::from_millis(80));
            }
            // Erase the line: the step's own line takes its place on stdout.
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\u{1b}[2K");
            let _ = stderr.flush();
        });
        Some(Spinner {
            running,
            thread: Some(thread),
        })
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_wins_then_the_terminal_then_80() {
        assert_eq!(width(Some(60), Some(200)), 60);
        assert_eq!(width(None, Some(120)), 120);
        assert_eq!(width(None, None), 80);
        assert_eq!(width(Some(0), None), 80);
        assert_eq!(width(Some(10), None), MIN_WIDTH);
    }

    #[test]
    fn wraps_at_words_and_keeps_lines() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("averylongword x", 4), ["averylongword", "x"]);
        assert_eq!(wrap("add:\n  aaa bbb", 7), ["add:", "  aaa", "  bbb"]);
    }
}
