// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// For the HTTP harnesses: feeding a Boost.Beast parser all the bytes at once, as a read
// that has everything buffered would, then the end of the stream.

#ifndef VIGIL_FUZZ_FUZZ_HTTP_H_
#define VIGIL_FUZZ_FUZZ_HTTP_H_

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstring>
#include <string_view>

namespace vigil::fuzz {

inline void Fill(boost::beast::flat_buffer* buffer, std::string_view bytes) {
  auto space = buffer->prepare(bytes.size());
  if (!bytes.empty()) std::memcpy(space.data(), bytes.data(), bytes.size());
  buffer->commit(bytes.size());
}

// Parses one message from the front of `buffer` (consuming it); when the bytes run out
// first, the peer is taken to have closed. True when a whole message was parsed.
template <class Parser>
bool ParseOne(boost::beast::flat_buffer* buffer, Parser* parser, boost::system::error_code* ec) {
  namespace bhttp = boost::beast::http;
  while (!parser->is_done()) {
    size_t n = buffer->size() == 0 ? 0 : parser->put(buffer->data(), *ec);
    buffer->consume(n);
    if (n > 0 && (!*ec || *ec == bhttp::error::need_more)) {
      *ec = {};
      continue;
    }
    if (!*ec || *ec == bhttp::error::need_more) parser->put_eof(*ec);  // nothing more comes
    break;
  }
  return !*ec && parser->is_done();
}

}  // namespace vigil::fuzz

#endif  // VIGIL_FUZZ_FUZZ_HTTP_H_
