//! The SMTP listener (`smtp_bind`): a relay that forwards answers to
//! notification mail hands them over here. It speaks enough of SMTP for
//! that (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), checks
//! each recipient as it is named, and answers the message's DATA with what
//! `minga_web::mail::incoming::receive` made of it, so a refusal becomes
//! the relay's bounce.

use minga_web::AppState;
use minga_web::mail::incoming::{self, MAX_MESSAGE, Received};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Sessions at once; more wait for one to end.
const SESSIONS: usize = 64;
/// How long the listener waits for each command (RFC 5321 asks for 5 minutes).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest command line taken.
const MAX_LINE: usize = 4096;
/// Recipients in one message at most.
const MAX_RECIPIENTS: usize = 50;

/// Serves SMTP on `listener` until the process ends.
pub async fn serve(listener: TcpListener, state: AppState, host: String) {
    let sessions = Arc::new(Semaphore::new(SESSIONS));
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(permit) = sessions.clone().acquire_owned().await else { return };
        let (state, host) = (state.clone(), host.clone());
        tokio::spawn(async move {
            if let Err(e) = session(stream, &state, &host).await {
                tracing::debug!(%peer, error = %e, "SMTP session ended");
            }
            drop(permit);
        });
    }
}

async fn session(stream: TcpStream, state: &AppState, host: &str) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(format!("220 {host} minga ESMTP ready\r\n").as_bytes()).await?;
    let mut from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut read).await? else { return Ok(()) };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default().to_string();
        let reply = match verb.as_str() {
            "EHLO" => format!("250-{host}\r\n250-SIZE {MAX_MESSAGE}\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES"),
            "HELO" => format!("250 {host}"),
            "NOOP" => "250 2.0.0 OK".into(),
            "RSET" => {
                from = None;
                recipients.clear();
                "250 2.0.0 OK".into()
            }
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            "MAIL" if upper.starts_with("MAIL FROM:") => {
                let size = upper.split_whitespace().find_map(|p| p.strip_prefix("SIZE=")).and_then(|n| n.parse::<usize>().ok());
                if size.is_some_and(|n| n > MAX_MESSAGE) {
                    format!("552 5.3.4 message too large: at most {} MB", MAX_MESSAGE / (1024 * 1024))
                } else {
                    from = Some(path_of(&line["MAIL FROM:".len()..]));
                    recipients.clear();
                    "250 2.1.0 OK".into()
                }
            }
            "RCPT" if upper.starts_with("RCPT TO:") => match &from {
                None => "503 5.5.1 MAIL first".into(),
                Some(_) if recipients.len() >= MAX_RECIPIENTS => "452 4.5.3 too many recipients".into(),
                Some(_) => {
                    let to = path_of(&line["RCPT TO:".len()..]);
                    match known_recipient(state, &to).await {
                        Ok(()) => {
                            recipients.push(to);
                            "250 2.1.5 OK".into()
                        }
                        Err(refused) => refused.to_string(),
                    }
                }
            },
            "DATA" if from.is_none() || recipients.is_empty() => "503 5.5.1 MAIL and RCPT first".into(),
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let message = read_data(&mut read).await?;
                let envelope_from = from.take();
                let to = std::mem::take(&mut recipients);
                match message {
                    None => format!("552 5.3.4 message too large: at most {} MB", MAX_MESSAGE / (1024 * 1024)),
                    Some(raw) => match incoming::receive(state, &raw, envelope_from.as_deref(), &to).await {
                        Ok(Received::Posted { url, .. }) => format!("250 2.0.0 posted: {url}"),
                        Ok(Received::Ignored(why)) => format!("250 2.0.0 taken, not posted: {why}"),
                        Err(refused) => refused.to_string(),
                    },
                }
            }
            "" => "500 5.5.2 empty command".into(),
            _ => "502 5.5.1 command not implemented".into(),
        };
        write.write_all(reply.as_bytes()).await?;
        write.write_all(b"\r\n").await?;
    }
}

/// The address in `<…>` (with parameters after it left out).
fn path_of(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].trim().to_string(),
        _ => arg.split_whitespace().next().unwrap_or_default().to_string(),
    }
}

/// Refuses a recipient at once when it is no reply address minga made.
async fn known_recipient(state: &AppState, to: &str) -> Result<(), incoming::Refused> {
    let unknown = || incoming::Refused { code: 550, text: "5.1.1 no such reply address".into() };
    let key = incoming::key_in(&state.settings.mail.reply_address, to).ok_or_else(unknown)?;
    match state.store.reply_key_owner(&key).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(unknown()),
        Err(_) => Err(incoming::Refused { code: 451, text: "4.3.0 try again later".into() }),
    }
}

/// One command line, without its line end; `None` when the client left.
async fn read_line<R: AsyncBufReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = tokio::time::timeout(COMMAND_TIMEOUT, (&mut *read).take(MAX_LINE as u64).read_until(b'\n', &mut buf))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no command in time"))??;
    if n == 0 {
        return Ok(None);
    }
    if !buf.ends_with(b"\n") {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "command line too long"));
    }
    Ok(Some(String::from_utf8_lossy(&buf).trim_end_matches(['\r', '\n']).to_string()))
}

/// The message after DATA, up to the line with a single dot, dots
/// unstuffed; `None` when it is larger than minga takes (read to its end
/// all the same, so the session can go on).
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    let mut too_large = false;
    loop {
        let mut line = Vec::new();
        let n = tokio::time::timeout(COMMAND_TIMEOUT, read.read_until(b'\n', &mut line))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no data in time"))??;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the client left during DATA"));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok((!too_large).then_some(message));
        }
        if too_large {
            continue;
        }
        let line = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        message.extend_from_slice(line);
        if message.len() > MAX_MESSAGE {
            too_large = true;
            message = Vec::new();
        }
    }
}
