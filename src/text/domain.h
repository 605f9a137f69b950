// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
//
// Domains of websites and email addresses, for comparing them: the registrable domain
// (the Public Suffix List through libpsl, plus data/names/extra_public_suffixes.tsv), so
// that "https://www.kcc.com.kp/en/" and "info@mail.kcc.com.kp" share "kcc.com.kp".
//
// Thread-safe.

#ifndef VIGIL_TEXT_DOMAIN_H_
#define VIGIL_TEXT_DOMAIN_H_

#include <string>
#include <string_view>

namespace vigil::text {

// The host of a URL or bare host name, lower case, without scheme, user, port, path,
// query, a trailing dot and a leading "www.": "HTTP://WWW.Example.COM:8080/a?b" ->
// "example.com". "" when none (no dot, a space inside, an IP address).
std::string HostOf(std::string_view url);

// The email address trimmed, without "mailto:" and a trailing dot, lower case; "" when it
// is not local@domain with a dotted domain.
std::string NormalizeEmail(std::string_view email);

// The registrable domain of a URL, a host or an email address ("www.a.b.co.uk" ->
// "b.co.uk", "x@mail.kcc.com.kp" -> "kcc.com.kp"); "" when there is none (a bare public
// suffix, no host).
std::string RegistrableDomain(std::string_view url_host_or_email);

// Whether a registrable domain is a free-mail or webmail provider
// (data/names/webmail_domains.tsv): anyone can have an address there.
bool IsWebmailDomain(std::string_view registrable_domain);

}  // namespace vigil::text

#endif  // VIGIL_TEXT_DOMAIN_H_
