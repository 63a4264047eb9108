//! The room on a phone held upright: what each must act on comes first.

use super::*;

/// A phone held upright: a 360×740 viewport. Returns the height of the
/// first screen that the bottom bar leaves visible.
async fn phone(b: &Browser) -> f64 {
    b.client
        .set_window_size(360, 740)
        .await
        .expect("resize to a phone");
    // The window's own bars take some height: add it back to the page's.
    let bars = b
        .eval("return window.outerHeight - window.innerHeight")
        .await
        .as_u64()
        .unwrap_or(0);
    let bars = u32::try_from(bars).unwrap_or(0);
    b.client
        .set_window_size(360, 740 + bars)
        .await
        .expect("resize to a phone");
    let size = b
        .eval(
            "const nav = document.querySelector('.bottom-nav');
             return [window.innerWidth, window.innerHeight, nav ? nav.getBoundingClientRect().height : 0];",
        )
        .await;
    assert_eq!(size[0], json!(360), "a phone's width: {size}");
    assert_eq!(size[1], json!(740), "a phone's height: {size}");
    740.0 - size[2].as_f64().unwrap_or(0.0)
}

/// A screenshot of the screen as it is (scrolled to the top), when
/// `CHIBO_SHOTS` names a folder.
async fn snap(b: &Browser, name: &str) {
    let Ok(dir) = std::env::var("CHIBO_SHOTS") else {
        return;
    };
    b.eval("window.scrollTo(0, 0)").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = b.client.screenshot().await.expect("a screenshot");
    std::fs::write(format!("{dir}/{name}.png"), png).expect("write the screenshot");
}

/// The top of `css` on the page scrolled to its top, in px.
async fn top_at_rest(b: &Browser, css: &str) -> f64 {
    b.find(css).await;
    b.eval(&format!(
        "window.scrollTo(0, 0); return document.querySelector(\"{css}\").getBoundingClientRect().top"
    ))
    .await
    .as_f64()
    .expect("a position")
}

/// How many elements match `css` (present in the DOM, shown or not).
async fn count(b: &Browser, css: &str) -> i64 {
    b.eval(&format!(
        "return document.querySelectorAll(\"{css}\").length"
    ))
    .await
    .as_i64()
    .expect("a count")
}

/// The chair's buttons, none of which a member or a visitor may have.
const CHAIR_BUTTONS: &str = "#btn-prev, #btn-next, .btn-give, #btn-open-vote, #btn-close-vote, \
     #btn-conclude, #btn-assign, #btn-adopt, #btn-close, #btn-appoint-counters, #btn-note, #btn-minutes, \
     button[data-presence]";

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_the_room_shows_first_what_each_must_act_on() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ trên điện thoại").await;
    let (_, member_name) = member(&server, "dv.b05").await;
    with_browsers(&server, 3, move |browsers| async move {
        let [chair, member, visitor]: [Browser; 3] =
            browsers.try_into().ok().expect("three browsers");
        open_room(&chair, "bithu.b", meeting).await;
        open_room(&member, "dv.b05", meeting).await;
        open_room(&visitor, "capuy.khoi", meeting).await;
        let mut fold = 0.0;
        for b in [&chair, &member, &visitor] {
            fold = phone(b).await;
        }
        open_meeting(&chair).await;
        for b in [&chair, &member, &visitor] {
            b.wait_text("#current-item", "1/2").await;
        }

        // The member's first screen: the item, not checked in, the button to.
        member.wait_text("#my-presence", "chưa điểm danh").await;
        snap(&member, "phone-member-first").await;
        for css in ["#current-item", "#mine", "#btn-checkin"] {
            let top = top_at_rest(&member, css).await;
            assert!(top < fold, "{css} on the member's first screen: {top} ≥ {fold}");
        }
        member.click("#btn-checkin").await;
        member.wait_text("#my-presence", "đã có mặt").await;
        member.click("#btn-hand[data-raised='false']").await;
        member.wait_text("#my-hand", "thứ tự 1/1").await;

        // The chair's first screen: who asks to speak, with the count.
        chair.wait_text("#queue", &member_name).await;
        chair.wait_text("#queue h2", "(1)").await;
        snap(&chair, "phone-chair-first").await;
        for css in ["#queue", "#queue .btn-give", "#current-item", "#btn-next"] {
            let top = top_at_rest(&chair, css).await;
            assert!(top < fold, "{css} on the chair's first screen: {top} ≥ {fold}");
        }
        // The count stays on screen however far the chair scrolls: at rest
        // the queue's card says it; scrolled away, a badge does.
        assert_eq!(
            chair.eval("return getComputedStyle(document.querySelector('#queue-badge')).display").await,
            json!("none"),
            "no badge over the first screen"
        );
        chair.eval("window.scrollTo(0, document.documentElement.scrollHeight)").await;
        chair.wait_text("#queue-badge", "1 người xin phát biểu").await;
        let badge = chair
            .eval(
                "const r = document.querySelector('#queue-badge').getBoundingClientRect();
                 return [r.top, r.bottom, window.innerHeight];",
            )
            .await;
        let (t, b, h) = (
            badge[0].as_f64().unwrap_or(-1.0),
            badge[1].as_f64().unwrap_or(f64::MAX),
            badge[2].as_f64().unwrap_or(0.0),
        );
        assert!(t >= 0.0 && b <= h, "the queue's count in view at the bottom of the page: {badge}");
        // The tools are folded; only the item's next step is a button.
        for tool in ["#tool-open-vote", "#tool-conclusion", "#tool-task", "#tool-note", "#tool-minutes"] {
            assert_eq!(
                chair.eval(&format!("return document.querySelector('{tool}').open")).await,
                json!(false),
                "{tool} folded"
            );
        }
        let screens = chair
            .eval("window.scrollTo(0, 0); return document.documentElement.scrollHeight / window.innerHeight")
            .await;
        eprintln!("the chair's room at 360×740: {screens} screens");
        // On the first item there is no previous one: no button for it.
        chair.find("#btn-next").await;
        assert_eq!(count(&chair, "#btn-prev").await, 0, "no previous item on the first");

        // Neither the member nor the visitor has any of the chair's buttons;
        // the visitor, not on the roll, has no check-in.
        for b in [&member, &visitor] {
            assert_eq!(count(b, CHAIR_BUTTONS).await, 0, "no chair's button");
        }
        assert_eq!(count(&visitor, "#btn-checkin").await, 0, "no check-in for a visitor");

        // The opinion box is written in the page's font, at its size.
        let font = member
            .eval(
                "const a = getComputedStyle(document.querySelector('#opinion-text'));
                 const b = getComputedStyle(document.body);
                 return [a.fontFamily === b.fontFamily, a.fontSize, b.fontSize];",
            )
            .await;
        assert_eq!(font[0], json!(true), "the opinion box in the page's font: {font}");
        assert_eq!(font[1], font[2], "the opinion box at the page's size: {font}");

        // The visitor speaks in the room: their name once, as a guest once.
        visitor
            .type_into("#opinion-text", "Chi bộ cần bám sát chỉ đạo của Đảng ủy Khối.")
            .await;
        visitor.click("#btn-opine").await;
        let line = member.wait_text("#opinions li.visitor", "bám sát").await;
        assert_eq!(line.matches("Trịnh Minh Tuấn").count(), 1, "the name once: {line}");
        assert_eq!(line.matches("Đại biểu cấp trên").count(), 1, "a guest once: {line}");

        // A vote opens: at the top of the member's screen, first in the
        // room, said aloud, and the phone buzzes.
        member
            .eval("window.buzzed = []; navigator.vibrate = (p) => { window.buzzed.push(p); return true; };")
            .await;
        visitor
            .eval("window.buzzed = []; navigator.vibrate = (p) => { window.buzzed.push(p); return true; };")
            .await;
        chair.mark_the_rest_in_person().await;
        chair.wait_text("#figures", "12/12").await;
        // Everyone marked, the roll folds for the chair.
        chair
            .wait_js(
                "return document.querySelector('#roll-details').open === false",
                "the roll to fold",
            )
            .await;
        let screens = chair
            .eval("window.scrollTo(0, 0); return document.documentElement.scrollHeight / window.innerHeight")
            .await;
        eprintln!("the chair's room at 360×740, everyone marked: {screens} screens");
        chair.type_into("#vote-question", "Thông qua nghị quyết chuyên đề").await;
        chair.click("#btn-open-vote").await;
        member.wait_text("#vote", "Thông qua nghị quyết chuyên đề").await;
        snap(&member, "phone-member-vote").await;
        for css in ["#vote", "#vote .btn-cast[data-choice='in_favour']"] {
            let top = top_at_rest(&member, css).await;
            assert!(top < fold, "{css} on the member's first screen: {top} ≥ {fold}");
        }
        assert_eq!(
            member
                .eval("return document.querySelector('.room-main').firstElementChild.id")
                .await,
            json!("vote"),
            "the vote first in the room, in reading and focus order"
        );
        member.find("#vote-announce[aria-live='assertive']").await;
        let said = member
            .eval("return document.querySelector('#vote-announce').textContent")
            .await;
        assert!(
            said.as_str().is_some_and(|s| s.contains("Biểu quyết đã mở") && s.contains("nghị quyết chuyên đề")),
            "the vote announced: {said}"
        );
        assert_eq!(member.eval("return window.buzzed").await, json!([300]), "the phone buzzed");
        assert_eq!(visitor.eval("return window.buzzed").await, json!([]), "not for who may not vote");
        // The rules' explanation is folded under "Vì sao?".
        member.wait_text("#vote details.why summary", "Vì sao?").await;
        assert_eq!(
            member.eval("return document.querySelector('#vote details.why').open").await,
            json!(false)
        );
        // The visitor sees the reason, no buttons; the member, none of the chair's.
        visitor.find("#vote-not-yours").await;
        assert_eq!(count(&visitor, "#vote .btn-cast").await, 0, "no vote buttons for a visitor");
        for b in [&member, &visitor] {
            assert_eq!(count(b, CHAIR_BUTTONS).await, 0, "no chair's button during the vote");
        }
        // The chair cannot open another vote meanwhile.
        chair.find("#vote-under-way").await;
        assert_eq!(count(&chair, "#btn-open-vote").await, 0, "no second vote");

        // The receipt, and again after a reload.
        member.click("#vote .btn-cast[data-choice='against']").await;
        member.wait_text("#you-voted", "Đã biểu quyết: Không tán thành").await;
        snap(&member, "phone-member-receipt").await;
        assert_eq!(count(&member, "#vote .btn-cast").await, 0, "no second ballot");
        reload(&member).await;
        member.wait_text("#you-voted", "Đã biểu quyết: Không tán thành").await;
        chair.click("#btn-close-vote").await;
        member.wait_text("#vote-receipt", "Đã biểu quyết: Không tán thành").await;
        // Once closed, the vote leaves the top for the item.
        member.find("#vote[data-open='false']").await;
        assert_eq!(
            member
                .eval("return document.querySelector('.room-main').firstElementChild.id")
                .await,
            json!("current-item")
        );

        // A secret ballot: the receipt never says the choice, even after a reload.
        chair.type_into("#vote-question", "Bầu đại biểu dự đại hội").await;
        chair.click("#vote-secret").await;
        chair.click("#btn-open-vote").await;
        member.wait_text("#vote", "Bầu đại biểu dự đại hội").await;
        member.click("#vote .btn-cast[data-choice='in_favour']").await;
        for round in 0..2 {
            let receipt = member.wait_text("#you-voted", "Đã bỏ phiếu kín").await;
            assert!(!receipt.contains("Tán thành"), "a secret choice shown ({round}): {receipt}");
            reload(&member).await;
        }

        // In English: the receipt, the fold, the chair's count.
        for b in [&chair, &member] {
            b.click(".top-bar .lang-toggle").await;
        }
        member.wait_text("#you-voted", "You cast your secret ballot.").await;
        member.wait_text("#vote details.why summary", "Why?").await;
        member.wait_text("#my-hand", "You asked to speak, place 1/1").await;
        chair.eval("window.scrollTo(0, document.documentElement.scrollHeight)").await;
        chair.wait_text("#queue-badge", "1 asking to speak").await;
        chair.click("#btn-close-vote").await;
        member.wait_text("#vote-receipt", "You cast your secret ballot.").await;
        member.assert_fits("the room at 360×740").await;
    })
    .await;
}
