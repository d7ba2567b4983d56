package dev.aegis.identity.internal;

import java.util.Map;

/** The server-rendered pages (login, consent, device, errors): minimal HTML, every value escaped. */
final class Html {

    private static final String STYLE = "<style>body{font-family:sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}"
            + "label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem}"
            + ".error{color:#a00}</style>";

    private static final String OTP_FIELD = "<label for=\"otp\">One-time code (if enabled)</label><input id=\"otp\" "
            + "name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\">";

    private Html() {
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\">" + STYLE + "</head><body><h1>" + escape(title)
                + "</h1>" + body + "</body></html>";
    }

    static String hidden(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (e.getValue() != null) {
                b.append("<input type=\"hidden\" name=\"").append(escape(e.getKey())).append("\" value=\"")
                        .append(escape(e.getValue())).append("\">");
            }
        }
        return b.toString();
    }

    static String login(String action, String csrf, Map<String, String> carried, String error, String clientName) {
        return page("Sign in", (clientName == null ? "" : "<p>to continue to " + escape(clientName) + "</p>")
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>")
                + "<form method=\"post\" action=\"" + escape(action) + "\">" + hidden(carried)
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">"
                + "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>"
                + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" "
                + "autocomplete=\"current-password\" required>" + OTP_FIELD + "<button type=\"submit\">Sign in</button></form>");
    }

    static String consent(String csrf, Map<String, String> carried, String clientName, Iterable<String> scope) {
        StringBuilder list = new StringBuilder("<ul>");
        for (String s : scope) {
            list.append("<li>").append(escape(s)).append("</li>");
        }
        list.append("</ul>");
        return page("Allow access?", "<p>" + escape(clientName) + " asks for:</p>" + list
                + "<form method=\"post\" action=\"/consent\">" + hidden(carried)
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">"
                + "<button name=\"decision\" value=\"allow\">Allow</button>"
                + "<button name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    static String device(String csrf, String userCode, boolean signedIn, String error) {
        return page("Connect a device", (error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>")
                + "<form method=\"post\" action=\"/device\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">"
                + "<label for=\"user_code\">Code shown on the device</label><input id=\"user_code\" name=\"user_code\" value=\""
                + escape(userCode) + "\" required>"
                + (signedIn ? "" : "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" required>"
                + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" required>"
                + OTP_FIELD)
                + "<button name=\"decision\" value=\"allow\">Allow</button>"
                + "<button name=\"decision\" value=\"deny\">Deny</button></form>");
    }

    static String message(String title, String text) {
        return page(title, "<p>" + escape(text) + "</p>");
    }
}
