// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// cpp-httplib, included in one place. The build takes its flags from pkg-config
// (cpp-httplib.pc: CPPHTTPLIB_OPENSSL_SUPPORT and the compression options) so the header
// matches the shared library it was built as; https needs CPPHTTPLIB_OPENSSL_SUPPORT.

#ifndef VIGIL_SOURCES_HTTPLIB_H_
#define VIGIL_SOURCES_HTTPLIB_H_

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "build with cpp-httplib's pkg-config flags (CPPHTTPLIB_OPENSSL_SUPPORT is not defined)"
#endif

#include <httplib.h>

#endif  // VIGIL_SOURCES_HTTPLIB_H_
