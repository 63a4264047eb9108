//! What the room does when the network fails under it, when the page is
//! reloaded in every state, and when the next person uses the same browser.

use super::*;

/// The stored outboxes of this browser, as `key → value`.
async fn stored_outboxes(b: &Browser) -> serde_json::Value {
    b.eval(
        "const out = {};
         for (let i = 0; i < localStorage.length; i++) {
           const k = localStorage.key(i);
           if (k.startsWith('chibo.outbox.')) out[k] = localStorage.getItem(k);
         }
         return out;",
    )
    .await
}

/// Whether this browser keeps an outbox holding `what`.
fn outbox_holds(what: &str) -> String {
    format!(
        "return Object.keys(localStorage).some(k => k.startsWith('chibo.outbox.') \
         && localStorage.getItem(k).includes('{what}'))"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsent_command_is_never_sent_for_the_next_person_on_the_same_browser() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ trên máy dùng chung").await;
    let (a_member, _) = member(&server, "dv.b05").await;
    let (b_member, _) = member(&server, "dv.b06").await;
    let a_account = server.api_login("dv.b05").await.get_ok("/api/me").await["account"]["id"]
        .as_i64()
        .expect("an account id");
    let proxy = Proxy::start(&server.url).await;
    with_browsers(&server, 2, move |browsers| async move {
        let [chair, mut phone]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        phone.base = proxy.url.clone();
        open_room(&chair, "bithu.b", meeting).await;
        open_meeting(&chair).await;
        open_room(&phone, "dv.b05", meeting).await;
        phone.wait_text("#current-item", "1/2").await;

        // The network goes: member A's check-in cannot reach the server.
        proxy.set(Flow::Frozen);
        phone.click("#btn-checkin").await;
        phone
            .wait_js(&outbox_holds("check_in"), "the check-in in the outbox")
            .await;
        proxy.cut();
        proxy.set(Flow::HoldLive);

        // A logs out; B logs in on the same browser and opens the meeting.
        phone.goto("/account").await;
        phone.click(".logout button").await;
        phone.find("#f-username").await;
        assert_eq!(
            stored_outboxes(&phone).await,
            json!({}),
            "logging out forgets what was not sent"
        );
        proxy.set(Flow::Open);
        phone.login("dv.b06", DEMO_PASSWORD).await;
        // What A would have left without logging out (a session that ran out),
        // and what an older app kept by meeting only: never sent either.
        phone
            .eval(&format!(
                "const c = JSON.stringify([{{key: 'left-behind', command: {{type: 'check_in'}}}}]);
                 localStorage.setItem('chibo.outbox.{a_account}.{meeting}', c);
                 localStorage.setItem('chibo.outbox.{meeting}', c);"
            ))
            .await;
        phone.goto(&format!("/meetings/{meeting}")).await;
        phone.wait_text("#live-status", "Đã kết nối").await;
        // A resend would come right after the welcome; give it time to arrive.
        tokio::time::sleep(Duration::from_secs(2)).await;
        phone.find("#btn-checkin").await;
        for m in [a_member, b_member] {
            chair
                .find(&format!(
                    "li.roll-row[data-member='{m}'][data-marked='false']"
                ))
                .await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_connection_says_connecting_not_reconnecting() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ, kết nối lần đầu").await;
    let proxy = Proxy::start(&server.url).await;
    with_browsers(&server, 1, move |browsers| async move {
        let [mut member]: [Browser; 1] = browsers.try_into().ok().expect("one browser");
        member.base = proxy.url.clone();
        member.login("dv.b05", DEMO_PASSWORD).await;
        // The room's socket waits unanswered: still the first connection.
        proxy.set(Flow::HoldLive);
        member.goto(&format!("/meetings/{meeting}")).await;
        member.wait_text("#live-status", "Đang kết nối").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let text = member
            .find("#live-status")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert_eq!(text, "Đang kết nối…", "nothing was lost yet");
        proxy.set(Flow::Open);
        member.wait_text("#live-status", "Đã kết nối").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_network_drop_is_seen_shown_and_recovered() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ, mạng chập chờn").await;
    let (_, member_name) = member(&server, "dv.b05").await;
    let proxy = Proxy::start(&server.url).await;
    with_browsers(&server, 2, move |browsers| async move {
        let [chair, mut member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        member.base = proxy.url.clone();
        open_room(&chair, "bithu.b", meeting).await;
        open_meeting(&chair).await;
        open_room(&member, "dv.b05", meeting).await;
        member.click("#btn-checkin").await;
        member.find(".ok-line").await;

        // The network silently drops everything: no close reaches either side.
        proxy.set(Flow::Frozen);
        let frozen_at = Instant::now();
        member.click("#btn-hand[data-raised='false']").await;
        member.wait_text("#live-status", "Mất kết nối").await;
        let seen = frozen_at.elapsed();
        assert!(
            seen <= Duration::from_secs(u64::from(SILENT_PEER_SECS) + 2),
            "the dead link was shown after {seen:?}"
        );
        member
            .wait_text("#live-status", "1 thao tác chưa gửi được")
            .await;
        member.wait_text(".mine .unsent", "Chưa gửi được").await;
        // Nothing got through meanwhile.
        chair.wait_text("#queue", "Chưa có ai đăng ký").await;

        // The network comes back: the room reconnects and the raised hand goes through.
        proxy.set(Flow::Open);
        member.wait_text("#live-status", "Đã kết nối").await;
        chair.wait_text("#queue", &member_name).await;
        member.find("#btn-hand[data-raised='true']").await;
        member
            .wait_js(
                "return document.querySelector('.mine .unsent') === null",
                "the “not sent” note to go",
            )
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_after_a_vote_mid_vote_and_after_close_rejoins() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let server = Server::start();
    let meeting = register_meeting(&server, "Sinh hoạt chi bộ, tải lại trang").await;
    let chair_api = server.api_login("bithu.b").await;
    with_browsers(&server, 2, move |browsers| async move {
        let [chair, member]: [Browser; 2] = browsers.try_into().ok().expect("two browsers");
        open_room(&chair, "bithu.b", meeting).await;
        open_room(&member, "dv.b05", meeting).await;
        open_meeting(&chair).await;
        member.click("#btn-checkin").await;
        member.find(".ok-line").await;
        chair.mark_the_rest_in_person().await;
        chair.wait_text("#figures", "12/12").await;

        // An open vote, held and closed: only two of eleven in favour.
        chair
            .type_into("#vote-question", "Thông qua nghị quyết chuyên đề")
            .await;
        chair.click("#btn-open-vote").await;
        member
            .click("#vote .btn-cast[data-choice='in_favour']")
            .await;
        chair
            .click("#vote .btn-cast[data-choice='in_favour']")
            .await;
        chair.wait_text("#vote .tally", "Tán thành 2").await;
        chair.click("#btn-close-vote").await;
        for b in [&chair, &member] {
            b.find("#vote .vote-outcome.failed").await;
        }
        // After a vote: both come back to the room as it is.
        for b in [&chair, &member] {
            reload(b).await;
            b.find("#vote[data-open='false'] .vote-outcome.failed")
                .await;
            b.wait_text("#vote .tally", "Tán thành 2").await;
            b.wait_text("#turnout", "2 trực tuyến / 0 tại hội nghị")
                .await;
        }

        // A secret vote under way, one ballot cast online. The chair, marked
        // present in the room, votes on paper.
        chair
            .type_into("#vote-question", "Thông qua nghị quyết (bỏ phiếu kín)")
            .await;
        chair.click("#vote-secret").await;
        chair.click("#btn-open-vote").await;
        member
            .wait_text("#vote", "Thông qua nghị quyết (bỏ phiếu kín)")
            .await;
        member.click("#vote .btn-cast[data-choice='against']").await;
        // The receipt of a secret ballot never names the choice.
        let receipt = member.wait_text("#you-voted", "Đã bỏ phiếu kín").await;
        assert!(
            !receipt.contains("tán thành"),
            "a secret choice shown: {receipt}"
        );
        chair.wait_text("#vote-on-paper", "bỏ phiếu giấy").await;
        chair.wait_text("#turnout", "1 trực tuyến").await;
        // Mid-vote: the vote is still open, the ballot cast is known, its choice is not.
        for b in [&chair, &member] {
            reload(b).await;
            b.find("#vote[data-open='true']").await;
            b.wait_text("#vote .tally", "Bỏ phiếu kín").await;
            b.wait_text("#turnout", "1 trực tuyến / 0 tại hội nghị")
                .await;
        }
        let receipt = member.wait_text("#you-voted", "Đã bỏ phiếu kín").await;
        assert!(
            !receipt.contains("tán thành"),
            "a secret choice shown after a reload: {receipt}"
        );
        chair.find("#paper-count #btn-count-paper").await;
        chair.click("#btn-close-vote").await;
        for b in [&chair, &member] {
            b.find("#vote[data-open='false'] .vote-outcome.failed")
                .await;
        }

        // The close, then a reload: the closed meeting, read-only.
        chair.click("#btn-close").await;
        chair.click("#btn-close-confirm").await;
        for b in [&chair, &member] {
            b.wait_text(".closed", "đã bế mạc").await;
        }
        for b in [&chair, &member] {
            reload(b).await;
            b.wait_text(".closed", "đã bế mạc").await;
            b.wait_text(
                "#no-resolution",
                "Nghị quyết không được thông qua — không ban hành",
            )
            .await;
            assert_eq!(
                b.eval("return document.querySelector('#link-resolution') === null")
                    .await,
                json!(true),
                "no resolution to download"
            );
            b.wait_text("#minutes-not-adopted", "chưa được thông qua")
                .await;
            b.wait_text("#vote .tally", "Không tán thành").await;
        }
    })
    .await;
    let (status, _) = chair_api
        .get_bytes(&format!("/api/meetings/{meeting}/resolution.docx"))
        .await;
    assert_eq!(status, 409, "a resolution that did not pass is not issued");
}
