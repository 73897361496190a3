//! GPIO of the kiosk cabinet: status lamp (green serving / yellow attention / red out of
//! service), help lamp and buzzer as outputs; the physical help button, a presence sensor
//! (PIR) and a paper-low sensor as inputs.
//!
//! [`Gpio`] is the trait the app uses; [`RpiGpio`] drives a Raspberry Pi through rppal, and
//! [`SimGpio`] records outputs and injects inputs for the demo and the tests. Missing GPIO
//! hardware (any non-Pi machine) is an error the app logs as a warning before falling back to
//! the simulator, never a crash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

/// An output line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    LampGreen,
    LampYellow,
    LampRed,
    HelpLamp,
    Buzzer,
}

/// An input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    HelpButton,
    Presence,
    PaperLow,
}

/// A debounced input change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputEvent {
    pub input: Input,
    /// True when the button is pressed, someone is present, or paper is low.
    pub active: bool,
}

/// BCM pin numbers; `None` means not wired.
#[derive(Debug, Clone, Default)]
pub struct PinMap {
    pub outputs: HashMap<Output, u8>,
    pub inputs: HashMap<Input, u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum GpioError {
    /// Not a Raspberry Pi, or /dev/gpiomem is not accessible (group `gpio`).
    #[error("no GPIO hardware: {0}")]
    Unavailable(String),
    /// A pin is in use by another program or does not exist.
    #[error("GPIO pin {pin}: {reason}")]
    Pin { pin: u8, reason: String },
}

/// The kiosk cabinet's lamps, buzzer and sensors.
pub trait Gpio: Send {
    /// Sets an output; an output that is not wired is silently ignored.
    fn set(&mut self, output: Output, on: bool);
    /// Takes the receiver of debounced input events (once; later calls get None).
    fn events(&mut self) -> Option<mpsc::UnboundedReceiver<InputEvent>>;
}

/// How long an input must stay stable before it counts: a help button bounces for a few
/// milliseconds, and a PIR sensor flickers at the edge of its range.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// Raspberry Pi GPIO through rppal.
pub struct RpiGpio {
    outputs: HashMap<Output, rppal::gpio::OutputPin>,
    // Held so their interrupt callbacks stay registered.
    _inputs: Vec<rppal::gpio::InputPin>,
    events: Option<mpsc::UnboundedReceiver<InputEvent>>,
}

impl RpiGpio {
    pub fn open(pins: &PinMap) -> Result<RpiGpio, GpioError> {
        let gpio = rppal::gpio::Gpio::new().map_err(|e| GpioError::Unavailable(e.to_string()))?;
        let pin_err = |pin: u8| {
            move |e: rppal::gpio::Error| GpioError::Pin {
                pin,
                reason: e.to_string(),
            }
        };
        let mut outputs = HashMap::new();
        for (&output, &pin) in &pins.outputs {
            let p = gpio.get(pin).map_err(pin_err(pin))?.into_output_low();
            outputs.insert(output, p);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inputs = Vec::new();
        for (&input, &pin) in &pins.inputs {
            // Buttons pull up and close to ground; sensors drive the line high when active.
            let mut p = match input {
                Input::HelpButton => gpio.get(pin).map_err(pin_err(pin))?.into_input_pullup(),
                _ => gpio.get(pin).map_err(pin_err(pin))?.into_input_pulldown(),
            };
            let tx = tx.clone();
            p.set_async_interrupt(rppal::gpio::Trigger::Both, Some(DEBOUNCE), move |event| {
                let high = event.trigger == rppal::gpio::Trigger::RisingEdge;
                let active = if input == Input::HelpButton {
                    !high
                } else {
                    high
                };
                let _ = tx.send(InputEvent { input, active });
            })
            .map_err(pin_err(pin))?;
            inputs.push(p);
        }
        Ok(RpiGpio {
            outputs,
            _inputs: inputs,
            events: Some(rx),
        })
    }
}

impl Gpio for RpiGpio {
    fn set(&mut self, output: Output, on: bool) {
        if let Some(pin) = self.outputs.get_mut(&output) {
            if on {
                pin.set_high();
            } else {
                pin.set_low();
            }
        }
    }

    fn events(&mut self) -> Option<mpsc::UnboundedReceiver<InputEvent>> {
        self.events.take()
    }
}

/// The simulated cabinet: outputs are recorded for the demo's status panel and the tests;
/// inputs are injected with [`SimGpioHandle::press`] and friends.
pub struct SimGpio {
    state: Arc<Mutex<HashMap<Output, bool>>>,
    tx: mpsc::UnboundedSender<InputEvent>,
    events: Option<mpsc::UnboundedReceiver<InputEvent>>,
}

/// A clonable view of a [`SimGpio`] for tests and the demo panel.
#[derive(Clone)]
pub struct SimGpioHandle {
    state: Arc<Mutex<HashMap<Output, bool>>>,
    tx: mpsc::UnboundedSender<InputEvent>,
}

impl SimGpio {
    pub fn new() -> (SimGpio, SimGpioHandle) {
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(Mutex::new(HashMap::new()));
        let handle = SimGpioHandle {
            state: state.clone(),
            tx: tx.clone(),
        };
        (
            SimGpio {
                state,
                tx,
                events: Some(rx),
            },
            handle,
        )
    }
}

impl Gpio for SimGpio {
    fn set(&mut self, output: Output, on: bool) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.insert(output, on) != Some(on) {
            tracing::debug!(?output, on, "simulated GPIO output");
        }
        let _ = &self.tx;
    }

    fn events(&mut self) -> Option<mpsc::UnboundedReceiver<InputEvent>> {
        self.events.take()
    }
}

impl SimGpioHandle {
    /// Whether an output is on now.
    pub fn is_on(&self, output: Output) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.get(&output).copied().unwrap_or(false)
    }

    /// Presses and releases the help button.
    pub fn press_help(&self) {
        let _ = self.tx.send(InputEvent {
            input: Input::HelpButton,
            active: true,
        });
        let _ = self.tx.send(InputEvent {
            input: Input::HelpButton,
            active: false,
        });
    }

    /// Sets a sensor input (presence, paper low).
    pub fn set_input(&self, input: Input, active: bool) {
        let _ = self.tx.send(InputEvent { input, active });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rppal_reports_missing_hardware_as_an_error_not_a_panic() {
        // On the build machines (x86, no /dev/gpiomem) this is the path a kiosk without
        // wired GPIO takes; on a Pi with pins it would open.
        let mut pins = PinMap::default();
        pins.outputs.insert(Output::LampGreen, 5);
        if let Err(e) = RpiGpio::open(&pins) {
            assert!(matches!(
                e,
                GpioError::Unavailable(_) | GpioError::Pin { .. }
            ));
            assert!(!e.to_string().is_empty());
        }
    }

    #[tokio::test]
    async fn simulator_records_outputs_and_delivers_inputs() {
        let (mut gpio, handle) = SimGpio::new();
        let mut events = gpio.events().expect("first call gives the receiver");
        assert!(gpio.events().is_none());
        gpio.set(Output::HelpLamp, true);
        gpio.set(Output::Buzzer, true);
        assert!(handle.is_on(Output::HelpLamp));
        gpio.set(Output::Buzzer, false);
        assert!(!handle.is_on(Output::Buzzer));
        assert!(!handle.is_on(Output::LampRed), "never set means off");

        handle.press_help();
        let first = events.recv().await.unwrap();
        assert_eq!(
            first,
            InputEvent {
                input: Input::HelpButton,
                active: true
            }
        );
        assert!(!events.recv().await.unwrap().active);
        handle.set_input(Input::PaperLow, true);
        assert_eq!(events.recv().await.unwrap().input, Input::PaperLow);
    }
}
