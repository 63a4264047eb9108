//! Nghe họp: the meeting's audio in the room. One tap unlocks sound on the
//! phone, opens a WebRTC connection to the server (three audio sections, in
//! the order the server reads them: this person's microphone, send-only and
//! without a track; the floor's voice and the chair's, receive-only) and asks
//! for the microphone once, so that speaking later needs no prompt.
//!
//! The microphone is sent only while the route (`AudioRoute::of`, the same
//! rule the server forwards by) gives this person a slot, and only after
//! their own tap; when the slot goes, the track goes (`replaceTrack(null)`).
//!
//! A server with a TURN server sends its credentials in each welcome: every
//! connection made after it may relay through it (or must, `relay_only`),
//! for networks that block UDP to the server.

use super::connection::Live;
use super::name_of;
use crate::i18n::{Texts, use_i18n};
use leptos::leptos_dom::helpers::{IntervalHandle, TimeoutHandle};
use leptos::prelude::*;
use shared::i18n::Message;
use shared::live::audio::{AudioConnection, AudioRefusal, AudioRoute, Slot, Turn};
use shared::live::limits::MIN_MS_BETWEEN_OFFERS;
use shared::live::protocol::ClientMessage;
use shared::live::state::Speaker;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlAudioElement, MediaStream, MediaStreamConstraints,
    MediaStreamTrack, RtcConfiguration, RtcIceServer, RtcIceTransportPolicy, RtcPeerConnection,
    RtcPeerConnectionState, RtcRtpSender, RtcRtpTransceiverDirection, RtcRtpTransceiverInit,
    RtcSdpType, RtcSessionDescriptionInit,
};

/// How often the microphone's level is read while it is on.
const METER_MS: u64 = 100;

/// A lost connection is offered again after this long (the server takes one
/// offer a second per socket).
const RETRY_MS: u64 = MIN_MS_BETWEEN_OFFERS as u64 + 1000;

/// The audio's state as the room shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AudioStatus {
    /// Not listening.
    Off,
    /// Đang kết nối âm thanh: offered, answered, or checks under way.
    Connecting,
    Connected,
    /// Mất kết nối âm thanh: a new offer follows by itself.
    Lost,
}

/// This person's microphone (micro).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mic {
    /// Not asked yet, or the answer is awaited.
    Unknown,
    /// Allowed, and off.
    Allowed,
    /// Refused by the person or the browser: they still listen.
    Refused,
    /// Sent to the meeting now.
    Live,
}

/// What went wrong with a browser step; shown, never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AudioError {
    /// No WebRTC or Web Audio in this browser.
    Unsupported,
    /// The connection could not be set up (offer or answer).
    Connection,
    /// No microphone, or it was refused.
    Microphone,
}

impl AudioError {
    fn text(self, t: &Texts) -> &'static str {
        match self {
            AudioError::Unsupported => t.audio_unsupported,
            AudioError::Connection => t.audio_failed,
            AudioError::Microphone => t.audio_mic_refused,
        }
    }
}

/// The browser objects behind the audio; never leave this thread.
#[derive(Default)]
struct Inner {
    /// Bumped by each new connection: late answers to an old one are dropped.
    generation: u32,
    pc: Option<RtcPeerConnection>,
    mic_sender: Option<RtcRtpSender>,
    on_state: Option<Closure<dyn FnMut(web_sys::Event)>>,
    /// The floor's player, then the chair's.
    players: Vec<HtmlAudioElement>,
    context: Option<AudioContext>,
    /// The microphone's capture while it is on, and its meter's analyser.
    mic: Option<MediaStream>,
    analyser: Option<AnalyserNode>,
    meter: Option<IntervalHandle>,
    retry: Option<TimeoutHandle>,
    /// The turn the microphone is on for.
    mic_turn: Option<SpeakingTurn>,
    /// The turn the microphone was on for when the connection went: on
    /// again by itself once connected, if that turn still goes on.
    resume: Option<SpeakingTurn>,
    /// The TURN server of the last welcome, if the server has one.
    turn: Option<Turn>,
}

/// One turn to speak: the slot, and for the floor the moment it was given.
type SpeakingTurn = (Slot, Option<chrono::NaiveDateTime>);

/// The room's audio. `Copy`: every part is a handle.
#[derive(Clone, Copy)]
pub(super) struct Audio {
    /// The person tapped "Nghe họp" and has not turned it off.
    pub(super) wanted: RwSignal<bool>,
    pub(super) status: RwSignal<AudioStatus>,
    pub(super) mic: RwSignal<Mic>,
    /// The microphone's level while it is on, 0 to 1.
    pub(super) level: RwSignal<f64>,
    /// A refusal or a failure, for this person.
    pub(super) notice: RwSignal<Option<String>>,
    inner: StoredValue<Inner, LocalStorage>,
}

fn err_of<T>(r: Result<T, JsValue>, e: AudioError) -> Result<T, AudioError> {
    r.map_err(|_| e)
}

async fn wait(promise: js_sys::Promise, e: AudioError) -> Result<JsValue, AudioError> {
    JsFuture::from(promise).await.map_err(|_| e)
}

impl Audio {
    pub(super) fn new() -> Audio {
        Audio {
            wanted: RwSignal::new(false),
            status: RwSignal::new(AudioStatus::Off),
            mic: RwSignal::new(Mic::Unknown),
            level: RwSignal::new(0.0),
            notice: RwSignal::new(None),
            inner: StoredValue::new_local(Inner::default()),
        }
    }

    fn show(self, error: AudioError) {
        self.notice.set(Some(error.text(texts_now()).to_string()));
    }

    /// The "Nghe họp" tap. Everything that needs a user gesture happens here,
    /// before any await: the audio context resumed, the players started, the
    /// microphone asked for.
    pub(super) fn join(self, live: Live) {
        self.notice.set(None);
        if let Err(e) = self.unlock() {
            return self.show(e);
        }
        self.wanted.set(true);
        self.connect(live);
        if self.mic.get_untracked() == Mic::Unknown {
            leptos::task::spawn_local(async move {
                // Asked now so that the floor, later, needs no prompt; the
                // track is stopped at once: the microphone stays private
                // (and free) until the person turns it on.
                let allowed = match microphone().await {
                    Ok(stream) => {
                        stop_tracks(&stream);
                        Mic::Allowed
                    }
                    Err(_) => Mic::Refused,
                };
                if self.mic.get_untracked() == Mic::Unknown {
                    self.mic.set(allowed);
                }
            });
        }
    }

    /// Creates or resumes the audio context and the two players.
    fn unlock(self) -> Result<(), AudioError> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or(AudioError::Unsupported)?;
        let context = match self.inner.with_value(|i| i.context.clone()) {
            Some(c) => c,
            None => err_of(AudioContext::new(), AudioError::Unsupported)?,
        };
        // A suspended context (phones, until a tap) plays nothing.
        let _ = context.resume();
        let mut players = self.inner.with_value(|i| i.players.clone());
        if players.is_empty() {
            for slot in Slot::ALL {
                let player = err_of(HtmlAudioElement::new(), AudioError::Unsupported)?;
                player.set_id(match slot {
                    Slot::Floor => "audio-floor",
                    Slot::Chair => "audio-chair",
                });
                player.set_autoplay(true);
                player.set_hidden(true);
                if let Some(body) = document.body() {
                    let _ = body.append_child(&player);
                }
                players.push(player);
            }
        }
        for player in &players {
            // Within the tap: later plays are then allowed on phones.
            let _ = player.play();
        }
        self.inner.update_value(|i| {
            i.context = Some(context);
            i.players = players;
        });
        Ok(())
    }

    /// A new connection in place of any old one, and its offer sent.
    fn connect(self, live: Live) {
        self.close_connection();
        self.status.set(AudioStatus::Connecting);
        let generation = self.inner.with_value(|i| i.generation);
        let pc = match self.open_connection(live) {
            Ok(pc) => pc,
            Err(e) => {
                self.status.set(AudioStatus::Off);
                self.wanted.set(false);
                return self.show(e);
            }
        };
        leptos::task::spawn_local(async move {
            match offer(&pc).await {
                Ok(sdp) => {
                    let current = self.inner.with_value(|i| i.generation) == generation;
                    // Not sent while the room's socket is down: the welcome
                    // of the next one brings a new offer.
                    if current && !live.send_audio(&ClientMessage::AudioOffer { sdp }) {
                        self.status.set(AudioStatus::Lost);
                    }
                }
                Err(e) => {
                    self.status.set(AudioStatus::Lost);
                    self.show(e);
                }
            }
        });
    }

    /// The peer connection with its three sections, its players fed.
    fn open_connection(self, live: Live) -> Result<RtcPeerConnection, AudioError> {
        // ICE servers are set at construction only.
        let pc = match self
            .inner
            .with_value(|i| i.turn.as_ref().map(configuration))
        {
            Some(config) => RtcPeerConnection::new_with_configuration(&config),
            None => RtcPeerConnection::new(),
        };
        let pc = err_of(pc, AudioError::Unsupported)?;
        let send = RtcRtpTransceiverInit::new();
        send.set_direction(RtcRtpTransceiverDirection::Sendonly);
        let mic = pc.add_transceiver_with_str_and_init("audio", &send);
        let receive = RtcRtpTransceiverInit::new();
        receive.set_direction(RtcRtpTransceiverDirection::Recvonly);
        let floor = pc.add_transceiver_with_str_and_init("audio", &receive);
        let chair = pc.add_transceiver_with_str_and_init("audio", &receive);
        let players = self.inner.with_value(|i| i.players.clone());
        for (player, transceiver) in players.iter().zip([floor, chair]) {
            let stream = err_of(MediaStream::new(), AudioError::Unsupported)?;
            stream.add_track(&transceiver.receiver().track());
            player.set_src_object(Some(&stream));
            let _ = player.play();
        }
        let watched = pc.clone();
        let on_state = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            self.browser_says(live, watched.connection_state());
        });
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        self.inner.update_value(|i| {
            i.pc = Some(pc.clone());
            i.mic_sender = Some(mic.sender());
            i.on_state = Some(on_state);
        });
        Ok(pc)
    }

    /// The server's answer to the offer.
    pub(super) fn answered(self, sdp: String) {
        let Some((pc, generation)) = self
            .inner
            .with_value(|i| i.pc.clone().map(|pc| (pc, i.generation)))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let answer = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
            answer.set_sdp(&sdp);
            let applied = wait(pc.set_remote_description(&answer), AudioError::Connection).await;
            if applied.is_err() && self.inner.with_value(|i| i.generation) == generation {
                self.status.set(AudioStatus::Lost);
                self.show(AudioError::Connection);
            }
        });
    }

    /// No audio for this socket: the reason, in the person's language.
    pub(super) fn refused(self, live: Live, reason: AudioRefusal) {
        if reason == AudioRefusal::TooSoon && self.wanted.get_untracked() {
            return self.retry(live);
        }
        self.notice
            .set(Some(reason.text(crate::i18n::current_lang())));
        self.wanted.set(false);
        self.teardown();
    }

    /// What the server sees of the connection.
    pub(super) fn server_says(self, live: Live, connection: AudioConnection) {
        if !self.wanted.get_untracked() {
            return;
        }
        match connection {
            AudioConnection::Connecting => self.status.set(AudioStatus::Connecting),
            AudioConnection::Connected => self.connected(live),
            AudioConnection::Lost => {
                self.status.set(AudioStatus::Lost);
                self.retry(live);
            }
        }
    }

    /// What the browser sees of the connection.
    fn browser_says(self, live: Live, state: RtcPeerConnectionState) {
        if !self.wanted.get_untracked() {
            return;
        }
        match state {
            RtcPeerConnectionState::Connected => self.connected(live),
            // Disconnected may come back by itself; failed does not.
            RtcPeerConnectionState::Disconnected => self.status.set(AudioStatus::Lost),
            RtcPeerConnectionState::Failed => {
                self.status.set(AudioStatus::Lost);
                self.retry(live);
            }
            _ => {}
        }
    }

    /// Connected (again): a microphone that was on when the connection
    /// went comes back on by itself, if the same turn goes on; the person
    /// confirmed this turn already.
    fn connected(self, live: Live) {
        self.status.set(AudioStatus::Connected);
        let mut resume = None;
        self.inner.update_value(|i| resume = i.resume.take());
        if resume.is_some() && resume == turn_untracked(live) {
            self.mic_on(live);
        }
    }

    /// A new offer a moment later, if the audio is still wanted then.
    fn retry(self, live: Live) {
        let handle = set_timeout_with_handle(
            move || {
                if self.wanted.get_untracked() {
                    self.connect(live);
                }
            },
            Duration::from_millis(RETRY_MS),
        )
        .ok();
        self.inner.update_value(|i| {
            if let Some(old) = i.retry.take() {
                old.clear();
            }
            i.retry = handle;
        });
    }

    /// The TURN server a welcome brought (fresh credentials), or none: for
    /// the connections made from now on.
    pub(super) fn set_turn(self, turn: Option<Turn>) {
        self.inner.update_value(|i| i.turn = turn);
    }

    /// The room welcomed a (new) socket: the server has no audio for it yet.
    pub(super) fn welcomed(self, live: Live) {
        if self.wanted.get_untracked() {
            self.connect(live);
        }
    }

    /// The room's socket is gone, and the server's peer with it.
    pub(super) fn socket_lost(self) {
        if self.inner.with_value(|i| i.pc.is_some()) {
            self.close_connection();
            if self.wanted.get_untracked() {
                self.status.set(AudioStatus::Lost);
            }
        }
    }

    /// The "Tắt âm thanh" tap.
    pub(super) fn stop(self, live: Live) {
        live.send_audio(&ClientMessage::AudioStop);
        self.wanted.set(false);
        self.notice.set(None);
        self.teardown();
    }

    /// Closes the connection (the server hears of it at once) and silences the players.
    pub(super) fn teardown(self) {
        self.close_connection();
        // Turned off, not lost: the next "Nghe họp" starts with the microphone off.
        self.inner.update_value(|i| i.resume = None);
        self.status.set(AudioStatus::Off);
        self.inner.update_value(|i| {
            for player in &i.players {
                player.set_src_object(None);
            }
        });
    }

    /// Everything gone, the players too: the room is left.
    pub(super) fn dispose(self) {
        self.teardown();
        self.inner.update_value(|i| {
            for player in i.players.drain(..) {
                player.remove();
            }
            if let Some(context) = i.context.take() {
                let _ = context.close();
            }
        });
    }

    fn close_connection(self) {
        if self.mic.get_untracked() == Mic::Live {
            self.inner.update_value(|i| i.resume = i.mic_turn);
        }
        self.mic_released();
        self.inner.update_value(|i| {
            i.generation = i.generation.wrapping_add(1);
            if let Some(handle) = i.retry.take() {
                handle.clear();
            }
            i.mic_sender = None;
            if let Some(pc) = i.pc.take() {
                pc.set_onconnectionstatechange(None);
                pc.close();
            }
            i.on_state = None;
        });
    }

    /// The "Bật micro để phát biểu" tap: the microphone goes to the meeting.
    pub(super) fn mic_on(self, live: Live) {
        self.notice.set(None);
        leptos::task::spawn_local(async move {
            let stream = match microphone().await {
                Ok(stream) => stream,
                Err(e) => {
                    self.mic.set(Mic::Refused);
                    return self.show(e);
                }
            };
            // The floor may have moved while the browser answered.
            let sender = self.inner.with_value(|i| i.mic_sender.clone());
            let (Some(sender), true) = (sender, slot_untracked(live).is_some()) else {
                return stop_tracks(&stream);
            };
            let Some(track) = first_audio_track(&stream) else {
                self.mic.set(Mic::Refused);
                return self.show(AudioError::Microphone);
            };
            if wait(sender.replace_track(Some(&track)), AudioError::Connection)
                .await
                .is_err()
            {
                stop_tracks(&stream);
                return self.show(AudioError::Connection);
            }
            let turn = turn_untracked(live);
            self.inner.update_value(|i| i.mic_turn = turn);
            self.mic.set(Mic::Live);
            self.start_meter(stream);
        });
    }

    /// The "Tắt micro" tap, or the slot is gone.
    pub(super) fn mic_off(self) {
        self.inner.update_value(|i| i.resume = None);
        if let Some(sender) = self.inner.with_value(|i| i.mic_sender.clone()) {
            let _ = sender.replace_track(None);
        }
        self.mic_released();
    }

    /// The microphone's capture stopped and its meter with it.
    fn mic_released(self) {
        self.inner.update_value(|i| {
            if let Some(meter) = i.meter.take() {
                meter.clear();
            }
            if let Some(stream) = i.mic.take() {
                stop_tracks(&stream);
            }
            if let Some(analyser) = i.analyser.take() {
                let _ = analyser.disconnect();
            }
        });
        self.level.set(0.0);
        if self.mic.get_untracked() == Mic::Live {
            self.mic.set(Mic::Allowed);
        }
    }

    fn start_meter(self, stream: MediaStream) {
        let context = self.inner.with_value(|i| i.context.clone());
        self.inner.update_value(|i| i.mic = Some(stream.clone()));
        // Without a meter the microphone still goes.
        let Some(context) = context else { return };
        let (Ok(source), Ok(analyser)) = (
            context.create_media_stream_source(&stream),
            context.create_analyser(),
        ) else {
            return;
        };
        let _ = source.connect_with_audio_node(&analyser);
        analyser.set_fft_size(512);
        let read = analyser.clone();
        let meter = set_interval_with_handle(
            move || {
                let mut samples = [0u8; 512];
                read.get_byte_time_domain_data(&mut samples);
                self.level.set(level_of(&samples));
            },
            Duration::from_millis(METER_MS),
        )
        .ok();
        self.inner.update_value(|i| {
            i.analyser = Some(analyser);
            i.meter = meter;
        });
    }
}

/// The loudness of a block of 8-bit samples (128 is silence), 0 to 1.
fn level_of(samples: &[u8]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples
        .iter()
        .map(|s| {
            let x = (f64::from(*s) - 128.0) / 128.0;
            x * x
        })
        .sum();
    // A voice's RMS is about 0.1 to 0.3: scaled so that it fills the meter.
    ((sum / samples.len() as f64).sqrt() * 3.0).min(1.0)
}

/// The texts of the language chosen now, outside a reactive context.
fn texts_now() -> &'static Texts {
    crate::i18n::texts(crate::i18n::current_lang())
}

/// The slot the route gives this page's speaker, if any (reactive).
pub(super) fn my_slot(live: Live) -> Option<Slot> {
    let you = live.you.get()?;
    live.state
        .with(|s| s.as_ref().and_then(|s| AudioRoute::of(s).slot_of(you)))
}

fn slot_untracked(live: Live) -> Option<Slot> {
    turn_untracked(live).map(|(slot, _)| slot)
}

/// This page's speaker's turn to speak now, if any.
fn turn_untracked(live: Live) -> Option<SpeakingTurn> {
    let you = live.you.get_untracked()?;
    live.state.with_untracked(|s| {
        let s = s.as_ref()?;
        let slot = AudioRoute::of(s).slot_of(you)?;
        let since = match slot {
            Slot::Floor => s.floor.as_ref().map(|f| f.since),
            Slot::Chair => None,
        };
        Some((slot, since))
    })
}

async fn microphone() -> Result<MediaStream, AudioError> {
    let devices = web_sys::window()
        .ok_or(AudioError::Unsupported)?
        .navigator()
        .media_devices()
        .map_err(|_| AudioError::Microphone)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| AudioError::Microphone)?;
    wait(promise, AudioError::Microphone)
        .await?
        .dyn_into::<MediaStream>()
        .map_err(|_| AudioError::Microphone)
}

fn first_audio_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream
        .get_audio_tracks()
        .get(0)
        .dyn_into::<MediaStreamTrack>()
        .ok()
}

fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The peer connection's configuration with the server's TURN server.
fn configuration(turn: &Turn) -> RtcConfiguration {
    let urls = js_sys::Array::new();
    for url in &turn.urls {
        urls.push(&JsValue::from_str(url));
    }
    let server = RtcIceServer::new();
    server.set_urls(&urls);
    server.set_username(&turn.username);
    server.set_credential(&turn.credential);
    let config = RtcConfiguration::new();
    config.set_ice_servers(&js_sys::Array::of1(&server));
    if turn.relay_only {
        config.set_ice_transport_policy(RtcIceTransportPolicy::Relay);
    }
    config
}

/// The offer's SDP, once set as the local description.
async fn offer(pc: &RtcPeerConnection) -> Result<String, AudioError> {
    let offer = wait(pc.create_offer(), AudioError::Connection).await?;
    let offer: RtcSessionDescriptionInit = offer.unchecked_into();
    wait(pc.set_local_description(&offer), AudioError::Connection).await?;
    // No trickle: the server is ICE-lite and never sends to our candidates.
    pc.local_description()
        .map(|d| d.sdp())
        .ok_or(AudioError::Connection)
}

/// Âm thanh cuộc họp: joining, who is heard, the microphone.
#[component]
pub(super) fn AudioPanel(live: Live) -> impl IntoView {
    let i18n = use_i18n();
    let audio = live.audio;
    let route = Memo::new(move |_| {
        live.state
            .with(|s| s.as_ref().map(AudioRoute::of).unwrap_or_default())
    });
    let slot = Memo::new(move |_| my_slot(live));
    // The slot gone (the floor ended or moved): the microphone goes at once.
    Effect::new(move |_| {
        if slot.get().is_none() && audio.mic.get() == Mic::Live {
            audio.mic_off();
        }
    });
    let voice = move |slot: Slot| {
        let speaker: Option<Speaker> = route.get().source(slot);
        let name = speaker.and_then(|sp| {
            live.state
                .with(|s| s.as_ref().map(|s| name_of(s, sp, i18n.t())))
        });
        name.unwrap_or_else(|| i18n.t().audio_nobody.to_string())
    };
    let status = move || match audio.status.get() {
        AudioStatus::Off => ("audio-status", ""),
        AudioStatus::Connecting => ("audio-status wait", i18n.t().audio_connecting),
        AudioStatus::Connected => ("audio-status ok", i18n.t().audio_connected),
        AudioStatus::Lost => ("audio-status down", i18n.t().audio_lost),
    };
    view! {
        <div id="audio" class="card live-card audio">
            <h2>{move || i18n.t().audio_title}</h2>
            <Show
                when=move || audio.wanted.get()
                fallback=move || view! {
                    <p class="muted">{move || i18n.t().audio_why_mic}</p>
                    <button id="btn-audio" class="button huge" on:click=move |_| audio.join(live)>
                        {move || i18n.t().audio_join}
                    </button>
                }
            >
                <p id="audio-status" class=move || status().0 role="status" aria-live="polite">
                    {move || status().1}
                </p>
                <ul id="audio-voices" class="audio-voices">
                    <li data-slot="floor">
                        <span class="audio-role">{move || i18n.t().audio_floor}</span>
                        <span class="audio-name">{move || voice(Slot::Floor)}</span>
                        <Show when=move || route.get().floor_muted>
                            <span class="muted">{move || i18n.t().audio_floor_muted}</span>
                        </Show>
                    </li>
                    <li data-slot="chair">
                        <span class="audio-role">{move || i18n.t().audio_chair}</span>
                        <span class="audio-name">{move || voice(Slot::Chair)}</span>
                    </li>
                </ul>
                {move || match (slot.get(), audio.mic.get()) {
                    (Some(_), Mic::Live) => view! {
                        <div class="audio-mic live">
                            <p class="ok-line">{move || i18n.t().audio_mic_live}</p>
                            <meter
                                id="mic-level"
                                min="0"
                                max="1"
                                value=move || format!("{:.2}", audio.level.get())
                                aria-label=move || i18n.t().audio_mic_level
                            ></meter>
                            <button id="btn-mic-off" class="button secondary" on:click=move |_| audio.mic_off()>
                                {move || i18n.t().audio_mic_off}
                            </button>
                        </div>
                    }
                        .into_any(),
                    (Some(slot), _) => view! {
                        <div class="audio-mic">
                            <p class="big">
                                {move || match slot {
                                    Slot::Floor => i18n.t().audio_your_floor,
                                    Slot::Chair => i18n.t().audio_you_chair,
                                }}
                            </p>
                            <button id="btn-mic-on" class="button huge" on:click=move |_| audio.mic_on(live)>
                                {move || i18n.t().audio_mic_on}
                            </button>
                        </div>
                    }
                        .into_any(),
                    (None, Mic::Refused) => view! {
                        <p class="muted">{move || i18n.t().audio_mic_refused}</p>
                    }
                        .into_any(),
                    (None, _) => ().into_any(),
                }}
                <button id="btn-audio-off" class="button secondary" on:click=move |_| audio.stop(live)>
                    {move || i18n.t().audio_off}
                </button>
            </Show>
            {move || audio.notice.get().map(|m| view! {
                <p id="audio-notice" class="notice warn" role="alert">{m}</p>
            })}
        </div>
    }
}
