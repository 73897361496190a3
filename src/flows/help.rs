//! 呼叫帮办 as a state machine without I/O: the controller feeds it the help button, the
//! citizen's cancel, the session's end and the desk's answers ([`Input`]) and carries out
//! what it asks ([`Effect`]): call staff, show a state, hold the idle timer, go back.
//!
//! The flow is generic over the controller's screen type `S`: it only remembers the screen
//! the citizen called from, to return there, and compares it with home and its own screen.

/// How long a help call holds the session open (seconds): staff may be across the hall.
pub const HOLD_S: u32 = 300;

/// What the help screen says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpState {
    Calling,
    /// The backend registered the call (its number is shown with [`Effect::RequestNo`]).
    Called,
    /// The backend could not be reached; the lamp and buzzer still call staff.
    Offline,
}

/// What the citizen, the session and the desk did.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<S> {
    /// The help button or tile, pressed on `screen`.
    Call { screen: S },
    /// The citizen ended the call on the help screen.
    Cancel,
    /// The session ended (home, idle timeout) or staff cleared the call at the kiosk.
    Reset,
    /// The desk registered call `request`; `request_no` is None when the backend was offline.
    Answer {
        request: u64,
        request_no: Option<String>,
    },
    /// Staff closed call `request` at their desk.
    Cleared { request: u64 },
}

/// What the controller is asked to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect<S> {
    State(HelpState),
    RequestNo(String),
    /// Move to this screen (counts as activity).
    Show(S),
    /// Return home, which wipes the session.
    GoHome,
    /// Keep the session from idling out for at least this many seconds.
    HoldIdle(u32),
    /// Lamp, buzzer and a request at the backend, saying which screen the citizen was on.
    CallStaff {
        request: u64,
        screen: S,
    },
    /// The citizen no longer needs staff: the lamp goes out and the backend is told.
    EndCall {
        request: u64,
    },
}

/// One kiosk's help call.
#[derive(Debug)]
pub struct HelpFlow<S> {
    home: S,
    help: S,
    /// Answers carry the call they belong to; one for an ended call is ignored.
    request: u64,
    active: bool,
    /// Where the citizen called from; pressing help again on the help screen keeps it.
    from: S,
}

impl<S: Copy + PartialEq> HelpFlow<S> {
    /// `home` and `help` are the controller's home screen and help screen.
    pub fn new(home: S, help: S) -> Self {
        HelpFlow {
            home,
            help,
            request: 0,
            active: false,
            from: home,
        }
    }

    /// Whether a call is open (the session is held, staff are on their way).
    pub fn active(&self) -> bool {
        self.active
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input<S>) -> Vec<Effect<S>> {
        let mut fx = Vec::new();
        match input {
            Input::Call { screen } => {
                if screen != self.help {
                    self.from = screen;
                }
                fx.extend([
                    Effect::State(HelpState::Calling),
                    Effect::RequestNo(String::new()),
                    Effect::Show(self.help),
                    Effect::HoldIdle(HOLD_S),
                ]);
                // A second press while staff are coming shows the screen again; it does
                // not call them twice.
                if !self.active {
                    self.active = true;
                    self.request += 1;
                    fx.push(Effect::CallStaff {
                        request: self.request,
                        screen,
                    });
                }
            }
            Input::Cancel => {
                if self.end(&mut fx) {
                    self.go_back(&mut fx);
                }
            }
            Input::Reset => {
                // Whoever ended the session decides the screen.
                self.end(&mut fx);
            }
            Input::Answer {
                request,
                request_no,
            } => {
                if self.current(request) {
                    match request_no {
                        Some(no) => {
                            fx.extend([Effect::State(HelpState::Called), Effect::RequestNo(no)])
                        }
                        None => fx.push(Effect::State(HelpState::Offline)),
                    }
                }
            }
            Input::Cleared { request } => {
                if self.current(request) {
                    // The backend's request is already closed and the lamp already off:
                    // the citizen goes on where they were.
                    self.active = false;
                    self.go_back(&mut fx);
                }
            }
        }
        fx
    }

    fn current(&self, request: u64) -> bool {
        self.active && request == self.request
    }

    /// Ends an open call; false when none was open.
    fn end(&mut self, fx: &mut Vec<Effect<S>>) -> bool {
        if !self.active {
            return false;
        }
        self.active = false;
        fx.push(Effect::EndCall {
            request: self.request,
        });
        true
    }

    fn go_back(&self, fx: &mut Vec<Effect<S>>) {
        fx.push(if self.from == self.home {
            Effect::GoHome
        } else {
            Effect::Show(self.from)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Screen {
        Home,
        Categories,
        Guide,
        Help,
    }

    fn flow() -> HelpFlow<Screen> {
        HelpFlow::new(Screen::Home, Screen::Help)
    }

    fn calls(fx: &[Effect<Screen>]) -> Vec<(u64, Screen)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::CallStaff { request, screen } => Some((*request, *screen)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_call_shows_calling_holds_the_session_and_calls_staff_once() {
        let mut f = flow();
        let fx = f.handle(Input::Call {
            screen: Screen::Categories,
        });
        assert_eq!(
            fx,
            [
                Effect::State(HelpState::Calling),
                Effect::RequestNo(String::new()),
                Effect::Show(Screen::Help),
                Effect::HoldIdle(HOLD_S),
                Effect::CallStaff {
                    request: 1,
                    screen: Screen::Categories
                },
            ]
        );
        assert!(f.active());
        let fx = f.handle(Input::Call {
            screen: Screen::Help,
        });
        assert!(calls(&fx).is_empty(), "staff are not called twice");
        assert!(
            fx.contains(&Effect::HoldIdle(HOLD_S)),
            "the hold is renewed"
        );
    }

    #[test]
    fn the_answer_shows_the_request_number_or_offline() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Home,
        });
        assert_eq!(
            f.handle(Input::Answer {
                request: 1,
                request_no: Some("H0042".into())
            }),
            [
                Effect::State(HelpState::Called),
                Effect::RequestNo("H0042".into())
            ]
        );
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Home,
        });
        assert_eq!(
            f.handle(Input::Answer {
                request: 1,
                request_no: None
            }),
            [Effect::State(HelpState::Offline)]
        );
    }

    #[test]
    fn cancel_ends_the_call_and_returns_to_the_screen_called_from() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Guide,
        });
        // Pressing help again on the help screen does not forget where the citizen was.
        f.handle(Input::Call {
            screen: Screen::Help,
        });
        assert_eq!(
            f.handle(Input::Cancel),
            [Effect::EndCall { request: 1 }, Effect::Show(Screen::Guide)]
        );
        assert!(!f.active());
        assert!(f.handle(Input::Cancel).is_empty(), "nothing left to end");
    }

    #[test]
    fn a_call_from_home_goes_home_when_it_ends() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Home,
        });
        assert_eq!(
            f.handle(Input::Cancel),
            [Effect::EndCall { request: 1 }, Effect::GoHome]
        );
    }

    #[test]
    fn cleared_by_staff_ends_the_call_and_goes_back_without_telling_the_desk() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Categories,
        });
        assert!(
            f.handle(Input::Cleared { request: 7 }).is_empty(),
            "another call's"
        );
        assert_eq!(
            f.handle(Input::Cleared { request: 1 }),
            [Effect::Show(Screen::Categories)]
        );
        assert!(!f.active());
    }

    #[test]
    fn the_session_ending_ends_the_call_where_it_is() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Categories,
        });
        assert_eq!(f.handle(Input::Reset), [Effect::EndCall { request: 1 }]);
        assert!(f.handle(Input::Reset).is_empty());
    }

    #[test]
    fn a_late_answer_for_an_ended_call_is_ignored() {
        let mut f = flow();
        f.handle(Input::Call {
            screen: Screen::Categories,
        });
        f.handle(Input::Cancel);
        assert!(f
            .handle(Input::Answer {
                request: 1,
                request_no: Some("H0042".into())
            })
            .is_empty());
        assert!(f.handle(Input::Cleared { request: 1 }).is_empty());
        // The next call is a new one, and the old call's answer is not its answer.
        let fx = f.handle(Input::Call {
            screen: Screen::Guide,
        });
        assert_eq!(calls(&fx), [(2, Screen::Guide)]);
        assert!(f
            .handle(Input::Answer {
                request: 1,
                request_no: None
            })
            .is_empty());
    }
}
