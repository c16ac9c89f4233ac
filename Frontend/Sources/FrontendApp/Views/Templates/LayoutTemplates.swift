/// The page frame shared by every HTML page (partials `header` and `footer`).
///
/// Every value goes through `{{ }}`, which HTML-escapes `< > & " '`, so it is safe in text and in quoted
/// attributes alike. Triple mustaches are never used.
enum LayoutTemplates {
    static let header = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{pageTitle}} · Face pipeline</title>
        <link rel="stylesheet" href="/static/app.css">
        {{#pollURL}}<noscript><meta http-equiv="refresh" content="5"></noscript>{{/pollURL}}
        <script src="/static/app.js" defer></script>
        </head>
        <body data-poll-url="{{pollURL}}" data-poll-key="{{pollKey}}">
        <header class="top">
        <a class="brand" href="/"><span class="logo" aria-hidden="true">◉</span> Face pipeline</a>
        <nav>
        <a href="/"{{#navImages}} class="current"{{/navImages}}>Images</a>
        <a href="/people"{{#navPeople}} class="current"{{/navPeople}}>People</a>
        <a href="/api/stats">API</a>
        </nav>
        {{#chrome}}<div class="account">{{#loggedIn}}<form class="logout" method="post" action="/logout"><input type="hidden" name="csrf_token" value="{{csrfToken}}"><button type="submit" class="link">Log out</button></form>{{/loggedIn}}{{#loginNeeded}}<a class="login" href="/login">Log in to edit</a>{{/loginNeeded}}</div>{{/chrome}}
        </header>
        <main>
        {{#chrome}}{{#flashOK}}<p class="flash ok" role="status">{{flashOK}}</p>{{/flashOK}}{{#flashError}}<p class="flash error" role="alert">{{flashError}}</p>{{/flashError}}{{/chrome}}

        """#

    static let footer = #"""
        </main>
        <footer class="bottom">Face-recognition pipeline · <a href="/api/images">/api/images</a> · <a href="/api/people">/api/people</a> · <a href="/metrics">/metrics</a></footer>
        </body>
        </html>

        """#
}
