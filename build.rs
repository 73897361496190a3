// Compiles ui/app.slint with the bundled zh_CN and zh_TW translations (English is the source
// language) and with debug info, which the headless UI tests need to find elements.
fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("ui/lang")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(true);
    slint_build::compile_with_config("ui/app.slint", config).expect("the .slint files compile");
    println!("cargo:rerun-if-changed=ui");
}
