#![allow(dead_code)]

pub struct Counter {
    count: u32,
}

impl Counter {
    #[no_mangle]
    pub extern "C" fn counter_new(start: char) -> Box<Counter> {
        Box::new(Counter { count: start as u32 })
    }

    #[no_mangle]
    pub extern "C" fn counter_label(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.count)
    }

    #[no_mangle]
    pub extern "C" fn counter_add(&mut self, xs: &[u32]) -> u32 {
        self.count += xs.iter().sum::<u32>();
        self.count
    }

    #[no_mangle]
    pub extern "C" fn counter_span(&self, to: u32) -> (u32, u32) {
        (self.count, to)
    }
}
