package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sync"

	"github.com/gofiber/template/html/v2"

	"ak1/views"
)

// pageViews renders the embedded templates that gofiber/template's engine parses.
//
// The engine's own Render is not safe for this server: it sets the layout's "embed" function
// in the function map every template of the set shares, also for a fragment rendered without
// a layout, so a live-queue fragment rendered while a page ran took the page's content away
// and the page answered 500 (TestFragmentsAndPagesRenderTogether). Here a page is rendered on
// its own, concurrently, and only the short layout around it holds the lock while "embed"
// points at that page.
type pageViews struct {
	engine   *html.Engine
	layoutMu sync.Mutex
}

func newPageViews(funcs template.FuncMap) *pageViews {
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(funcs)
	// Layouts call {{embed}}; it is set for each page in Render.
	engine.AddFunc("embed", func() template.HTML { return "" })
	// The templates are part of the binary: one that does not parse is a build defect.
	if err := engine.Load(); err != nil {
		panic(fmt.Sprintf("views: %v", err))
	}
	return &pageViews{engine: engine}
}

// Load is done once in newPageViews; Fiber calls it again at start.
func (v *pageViews) Load() error { return nil }

func (v *pageViews) Render(out io.Writer, name string, binding interface{}, layouts ...string) error {
	page := v.engine.Templates.Lookup(name)
	if page == nil {
		return fmt.Errorf("render: template %s does not exist", name)
	}
	if len(layouts) == 0 || layouts[0] == "" {
		return page.Execute(out, binding)
	}
	var body bytes.Buffer
	if err := page.Execute(&body, binding); err != nil {
		return err
	}
	// The pages of this server use one layout at most.
	layout := v.engine.Templates.Lookup(layouts[0])
	if layout == nil {
		return fmt.Errorf("render: layout %s does not exist", layouts[0])
	}
	return v.executeLayout(out, layout, template.HTML(body.String()), binding)
}

func (v *pageViews) executeLayout(out io.Writer, layout *template.Template, content template.HTML, binding interface{}) error {
	v.layoutMu.Lock()
	defer v.layoutMu.Unlock()
	layout.Funcs(template.FuncMap{"embed": func() template.HTML { return content }})
	return layout.Execute(out, binding)
}
