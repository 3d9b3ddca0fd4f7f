#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kubectl_ippool::fuzzing::cluster_dump(data);
});
