//! Discourse's block BBCode — `[quote]`, `[details]`, `[spoiler]` — found
//! line by line around the Markdown they contain. Tags inside fenced code
//! are text; a block that never closes stays as typed.

/// A block tag's attributes, as parsed from its opening line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Quote { username: Option<String>, post: Option<i64>, topic: Option<i64> },
    Details { summary: String },
    Spoiler,
}

impl BlockKind {
    fn closing(&self) -> &'static str {
        match self {
            BlockKind::Quote { .. } => "[/quote]",
            BlockKind::Details { .. } => "[/details]",
            BlockKind::Spoiler => "[/spoiler]",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Markdown(String),
    Block { kind: BlockKind, children: Vec<Node> },
}

/// Deeper nesting than this is treated as text: bounded work and stack.
pub const MAX_DEPTH: usize = 16;

struct Open {
    kind: BlockKind,
    children: Vec<Node>,
    text: String,
    /// Where the opening line starts in the input, to restore it as text
    /// if the block never closes.
    start: usize,
}

pub fn parse(raw: &str) -> Vec<Node> {
    let mut root: Vec<Node> = Vec::new();
    let mut root_text = String::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;

    for line in raw.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim();

        if let Some(f) = fence_marker(trimmed) {
            match fence {
                None => fence = Some(f),
                Some((c, n)) if f.0 == c && f.1 >= n && trimmed.chars().all(|x| x == c) => fence = None,
                _ => {}
            }
            push_text(&mut stack, &mut root_text, line);
            continue;
        }
        if fence.is_some() {
            push_text(&mut stack, &mut root_text, line);
            continue;
        }

        if stack.len() < MAX_DEPTH
            && let Some((kind, rest)) = opening(trimmed)
        {
            flush(&mut stack, &mut root, &mut root_text);
            let mut open = Open { kind, children: Vec::new(), text: String::new(), start: line_start };
            // `[quote]text[/quote]` on one line opens and closes at once.
            let closing = open.kind.closing();
            if let Some(before) = rest.strip_suffix(closing).or_else(|| rest.trim_end().strip_suffix(closing)) {
                open.text.push_str(before);
                let node = Node::Block { kind: open.kind, children: vec![Node::Markdown(open.text)] };
                add_node(&mut stack, &mut root, node);
            } else {
                open.text.push_str(rest);
                open.text.push('\n');
                stack.push(open);
            }
            continue;
        }

        if let Some(top) = stack.last()
            && let Some(before) = trimmed.strip_suffix(top.kind.closing())
        {
            let mut open = stack.pop().expect("checked");
            open.text.push_str(before);
            let text = std::mem::take(&mut open.text);
            if !text.trim().is_empty() {
                open.children.push(Node::Markdown(text));
            }
            let node = Node::Block { kind: open.kind, children: open.children };
            add_node(&mut stack, &mut root, node);
            continue;
        }

        push_text(&mut stack, &mut root_text, line);
    }

    // Unclosed blocks: everything from the outermost one on is plain text.
    if let Some(outer) = stack.first() {
        let start = outer.start;
        stack.clear();
        flush(&mut stack, &mut root, &mut root_text);
        // The root buffer was flushed when the block opened, so `root`
        // holds exactly what came before it.
        root.push(Node::Markdown(raw[start..].to_string()));
        return root;
    }
    flush(&mut stack, &mut root, &mut root_text);
    root
}

fn push_text(stack: &mut [Open], root_text: &mut String, line: &str) {
    match stack.last_mut() {
        Some(top) => top.text.push_str(line),
        None => root_text.push_str(line),
    }
}

/// Moves buffered Markdown into the current node list.
fn flush(stack: &mut [Open], root: &mut Vec<Node>, root_text: &mut String) {
    match stack.last_mut() {
        Some(top) => {
            if !top.text.trim().is_empty() {
                let text = std::mem::take(&mut top.text);
                top.children.push(Node::Markdown(text));
            } else {
                top.text.clear();
            }
        }
        None => {
            if !root_text.trim().is_empty() {
                root.push(Node::Markdown(std::mem::take(root_text)));
            } else {
                root_text.clear();
            }
        }
    }
}

fn add_node(stack: &mut [Open], root: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        Some(top) => top.children.push(node),
        None => root.push(node),
    }
}

fn fence_marker(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// Parses `[quote="name, post:1, topic:2"]`, `[quote]`, `[details="…"]`,
/// `[details]`, `[spoiler]` at the start of a line; returns the rest.
fn opening(line: &str) -> Option<(BlockKind, &str)> {
    let lower_prefix = |p: &str| line.len() >= p.len() && line.is_char_boundary(p.len()) && line[..p.len()].eq_ignore_ascii_case(p);
    let (name, after) = if lower_prefix("[quote") {
        ("quote", &line[6..])
    } else if lower_prefix("[details") {
        ("details", &line[8..])
    } else if lower_prefix("[spoiler]") {
        return Some((BlockKind::Spoiler, &line[9..]));
    } else {
        return None;
    };
    let (value, rest) = if let Some(r) = after.strip_prefix(']') {
        (None, r)
    } else if let Some(r) = after.strip_prefix('=') {
        let (v, rest) = attribute_value(r)?;
        (Some(v), rest.strip_prefix(']')?)
    } else {
        return None;
    };
    let kind = match name {
        "quote" => quote_attributes(value.as_deref()),
        _ => BlockKind::Details { summary: value.unwrap_or_default() },
    };
    Some((kind, rest))
}

/// A quoted (`"…"`) or bare value, returning the text after it.
fn attribute_value(s: &str) -> Option<(String, &str)> {
    if let Some(body) = s.strip_prefix('"') {
        let end = body.find('"')?;
        Some((body[..end].to_string(), &body[end + 1..]))
    } else {
        let end = s.find(']')?;
        Some((s[..end].to_string(), &s[end..]))
    }
}

fn quote_attributes(value: Option<&str>) -> BlockKind {
    let Some(value) = value else {
        return BlockKind::Quote { username: None, post: None, topic: None };
    };
    let mut parts = value.split(',').map(str::trim);
    let username = parts.next().filter(|u| !u.is_empty() && !u.contains(':')).map(str::to_string);
    let (mut post, mut topic) = (None, None);
    for part in parts {
        if let Some(n) = part.strip_prefix("post:") {
            post = n.trim().parse().ok();
        } else if let Some(n) = part.strip_prefix("topic:") {
            topic = n.trim().parse().ok();
        }
    }
    BlockKind::Quote { username, post, topic }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Node {
        Node::Markdown(s.into())
    }

    #[test]
    fn a_quote_with_attribution() {
        let nodes = parse("before\n[quote=\"neto, post:3, topic:7\"]\nhello **there**\n[/quote]\nafter\n");
        assert_eq!(nodes.len(), 3);
        assert_eq!(nodes[0], md("before\n"));
        let Node::Block { kind, children } = &nodes[1] else { panic!() };
        assert_eq!(kind, &BlockKind::Quote { username: Some("neto".into()), post: Some(3), topic: Some(7) });
        assert_eq!(children, &vec![md("\nhello **there**\n")]);
        assert_eq!(nodes[2], md("after\n"));
    }

    #[test]
    fn nesting_and_one_line_blocks() {
        let nodes = parse("[quote]\nouter\n[quote=\"a\"]inner[/quote]\n[/quote]");
        let Node::Block { children, .. } = &nodes[0] else { panic!() };
        assert_eq!(children.len(), 2);
        assert!(matches!(&children[1], Node::Block { kind: BlockKind::Quote { username: Some(u), .. }, .. } if u == "a"));
    }

    #[test]
    fn details_and_spoiler() {
        let nodes = parse("[details=\"Agenda\"]\n- a\n[/details]\n[spoiler]\nsecret\n[/spoiler]\n");
        assert!(matches!(&nodes[0], Node::Block { kind: BlockKind::Details { summary }, .. } if summary == "Agenda"));
        assert!(matches!(&nodes[1], Node::Block { kind: BlockKind::Spoiler, .. }));
    }

    #[test]
    fn unclosed_blocks_stay_text() {
        let raw = "intro\n\n[quote]\nnever closed\n[details=x]\nx\n[/details]\n";
        let nodes = parse(raw);
        assert_eq!(nodes, vec![md("intro\n\n"), md("[quote]\nnever closed\n[details=x]\nx\n[/details]\n")]);
    }

    #[test]
    fn fenced_code_is_left_alone() {
        let raw = "```\n[quote]\n```\n";
        assert_eq!(parse(raw), vec![md(raw)]);
    }

    #[test]
    fn injection_in_attributes_is_just_text() {
        // The value ends at the first quote; what follows is not a tag.
        let raw = "[quote=\"x\\\" onmouseover=alert(1) a\"]\nhi\n[/quote]";
        assert_eq!(parse(raw), vec![md(raw)]);
    }

    #[test]
    fn depth_is_bounded() {
        let raw = "[quote]\n".repeat(100) + &"[/quote]\n".repeat(100);
        let nodes = parse(&raw);
        fn depth(n: &[Node]) -> usize {
            n.iter().map(|n| match n { Node::Block { children, .. } => 1 + depth(children), _ => 0 }).max().unwrap_or(0)
        }
        assert!(depth(&nodes) <= MAX_DEPTH);
    }
}
