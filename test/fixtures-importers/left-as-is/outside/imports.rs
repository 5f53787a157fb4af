extern "C" {
    pub fn textfx_upper(input: &str) -> String;
}
